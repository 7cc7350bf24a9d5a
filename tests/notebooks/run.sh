#!/usr/bin/env bash
# Notebook tests (`make nbtest`). Needs PY (a python3 with nbformat and
# nbconvert; default /usr/bin/python3) and WARREN (the built warren binary;
# default bin/warren).
#
#  1. the .ipynb files are up to date with notebooks/src (go run ./notebooks/gen -check);
#  2. every notebook is valid nbformat 4, has warren's kernelspec, and the
#     exercises carry no outputs;
#  3. every solution runs clean under `jupyter nbconvert --execute` with the
#     warren kernel and under `warren run`;
#  4. every exercise, as handed out, fails under both, and the failure is the
#     message of one of its verify cells;
#  5. exercise 1's verify cell gives the right message for given durations
#     (success, the busy-machine miss, too slow, too fast).
#
# The notebooks run from a copy in a temporary directory, so the timeline
# files they write do not land in the source tree.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PY:-/usr/bin/python3}
WARREN=${WARREN:-$ROOT/bin/warren}
GO=${GO:-go}
NBCONVERT_TIMEOUT=${NBCONVERT_TIMEOUT:-120}

# The verify-cell message each exercise must fail with, as handed out.
declare -A EXPECT=(
	[exercise_1]="This is too slow"
	[exercise_2]="loadData must be a remote function"
	[exercise_2_scraping]="This is too slow"
	[exercise_3]="computeGradient must be a remote function"
	[exercise_4_actors]="The parameter server must be an actor"
)

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
pass() { echo "ok:   $*"; }

if [ ! -x "$WARREN" ]; then
	echo "tests/notebooks: WARREN=$WARREN is not an executable (run make build)" >&2
	exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-nbtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# 1. Generated notebooks are current.
if "$GO" run ./notebooks/gen -dir notebooks -check; then
	pass "notebooks are up to date with notebooks/src"
else
	fail "notebooks/*.ipynb differ from notebooks/src (run: go run ./notebooks/gen)"
fi

# 2. Structure.
shopt -s nullglob
exercises=(notebooks/exercises/*.ipynb)
solutions=(notebooks/solutions/*.ipynb)
if [ ${#exercises[@]} -eq 0 ] || [ ${#solutions[@]} -eq 0 ]; then
	fail "no notebooks found in notebooks/exercises or notebooks/solutions"
fi
if "$PY" - "${exercises[@]}" "${solutions[@]}" <<'EOF'; then
import sys, nbformat
bad = 0
for path in sys.argv[1:]:
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    problems = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as e:
        problems.append("invalid nbformat: %s" % e.message)
    if nb.nbformat != 4:
        problems.append("nbformat %s, want 4" % nb.nbformat)
    ks = nb.metadata.get("kernelspec", {})
    if (ks.get("name"), ks.get("display_name"), ks.get("language")) != ("warren", "Go (warren)", "go"):
        problems.append("kernelspec is %r" % (dict(ks),))
    if nb.metadata.get("language_info", {}).get("name") != "go":
        problems.append("language_info.name is not go")
    if "/exercises/" in path:
        for i, c in enumerate(nb.cells):
            if c.cell_type == "code" and (c.outputs or c.execution_count is not None):
                problems.append("cell %d has stored outputs" % i)
    for p in problems:
        print("FAIL: %s: %s" % (path, p), file=sys.stderr)
    bad += len(problems)
    if not problems:
        print("ok:   %s: valid nbformat %d.%d, warren kernelspec" % (path, nb.nbformat, nb.nbformat_minor))
sys.exit(1 if bad else 0)
EOF
	:
else
	fail "notebook structure (see above)"
fi

# 3 and 4 run on a copy of the notebooks.
cp -r notebooks "$TMP/notebooks"
rm -f "$TMP"/notebooks/*/*.json
mkdir -p "$TMP/out/nbconvert" "$TMP/out/run" "$TMP/logs"

export JUPYTER_DATA_DIR="$TMP/jupyter"
export JUPYTER_CONFIG_DIR="$TMP/jupyter-config"
export JUPYTER_RUNTIME_DIR="$TMP/jupyter-runtime"
export JUPYTER_PLATFORM_DIRS=1
export IPYTHONDIR="$TMP/ipython"
export JUPYTER_PATH=""
if "$WARREN" install --name warren >"$TMP/logs/install.log" 2>&1; then
	pass "warren install --name warren into $JUPYTER_DATA_DIR"
else
	cat "$TMP/logs/install.log" >&2
	fail "warren install"
fi

nbconvert() { # nbconvert NOTEBOOK LOG
	"$PY" -m nbconvert --to notebook --execute \
		--ExecutePreprocessor.kernel_name=warren \
		--ExecutePreprocessor.timeout="$NBCONVERT_TIMEOUT" \
		--ExecutePreprocessor.startup_timeout=60 \
		--output-dir "$TMP/out/nbconvert" "$1" >"$2" 2>&1
}

warren_run() { # warren_run NOTEBOOK LOG
	"$WARREN" run --timeout 120s -o "$TMP/out/run/$(basename "$1")" "$1" >"$2" 2>&1
}

show_log() {
	echo "----- $1 (last 40 lines) -----" >&2
	tail -n 40 "$1" >&2
	echo "-----" >&2
}

for nb in "$TMP"/notebooks/solutions/*.ipynb; do
	name=$(basename "$nb" .ipynb)
	log="$TMP/logs/solution-$name-nbconvert.log"
	if nbconvert "$nb" "$log"; then
		pass "solutions/$name.ipynb: nbconvert --execute succeeds ($(grep -o 'Success![^"\\]*' "$TMP/out/nbconvert/$name.ipynb" | head -n 1))"
	else
		show_log "$log"
		fail "solutions/$name.ipynb: nbconvert --execute failed"
	fi
	log="$TMP/logs/solution-$name-run.log"
	if warren_run "$nb" "$log"; then
		pass "solutions/$name.ipynb: warren run succeeds ($(grep -o 'Success!.*' "$log" | head -n 1))"
		if ! "$PY" -c 'import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))' "$TMP/out/run/$name.ipynb"; then
			fail "solutions/$name.ipynb: warren run -o wrote an invalid notebook"
		fi
	else
		show_log "$log"
		fail "solutions/$name.ipynb: warren run failed"
	fi
done

for nb in "$TMP"/notebooks/exercises/*.ipynb; do
	name=$(basename "$nb" .ipynb)
	want=${EXPECT[$name]:-}
	if [ -z "$want" ]; then
		fail "exercises/$name.ipynb: no expected verify message in tests/notebooks/run.sh"
		continue
	fi
	for runner in nbconvert warren_run; do
		log="$TMP/logs/exercise-$name-$runner.log"
		if $runner "$nb" "$log"; then
			show_log "$log"
			fail "exercises/$name.ipynb: $runner succeeded, but the exercise as handed out must fail"
		elif grep -qF "$want" "$log"; then
			pass "exercises/$name.ipynb: $runner fails with \"$want\""
		else
			show_log "$log"
			fail "exercises/$name.ipynb: $runner failed, but not with the verify message \"$want\""
		fi
	done
done

# 5. Exercise 1's verify cell, as in the solution, on given results and
#    durations: what an attendee reads for each outcome, the timing window's
#    miss on a busy machine included (which no real run can be made to hit).
for case in "1050ms|Success! The example took 1.050 seconds." \
	"1300ms|the four calls ran at the same time, but the machine was too busy" \
	"1999ms|the machine was too busy" \
	"2s|This is too slow: the four calls should run at the same time." \
	"4100ms|This is too slow" \
	"1000ms|This is too fast"; do
	d=${case%%|*}
	want=${case#*|}
	nb=$TMP/verify1-$d.ipynb
	"$PY" - "$ROOT/notebooks/solutions/exercise_1.ipynb" "$nb" "$d" <<'EOF'
import sys, nbformat
src = nbformat.read(sys.argv[1], as_version=4)
cells = src.cells
verify = next(cells[i + 1] for i, c in enumerate(cells)
              if c.cell_type == "markdown" and c.source.startswith("**VERIFY"))
nb = nbformat.v4.new_notebook(metadata=src.metadata)
nb.cells = [
    nbformat.v4.new_code_cell('import (\n\t"fmt"\n\t"time"\n)\n\nresults := []any{0, 1, 2, 3}\nduration, _ := time.ParseDuration("%s")' % sys.argv[3]),
    nbformat.v4.new_code_cell(verify.source),
]
nbformat.write(nb, sys.argv[2])
EOF
	log=$TMP/verify1-$d.log
	"$WARREN" run "$nb" >"$log" 2>&1
	if grep -qF "$want" "$log"; then
		pass "exercise_1's verify cell on a $d loop says \"$want\""
	else
		cat "$log" >&2
		fail "exercise_1's verify cell on a $d loop does not say \"$want\""
	fi
done

# The scraping notebook run from elsewhere than notebooks/{exercises,solutions}
# says where it looked for the saved pages instead of serving 500s.
mkdir -p "$TMP/elsewhere"
cp "$TMP/notebooks/solutions/exercise_2_scraping.ipynb" "$TMP/elsewhere/"
log="$TMP/logs/scraping-elsewhere.log"
want="The saved commit pages are not in $TMP/data/commits: run this notebook from notebooks/exercises or notebooks/solutions"
if warren_run "$TMP/elsewhere/exercise_2_scraping.ipynb" "$log"; then
	show_log "$log"
	fail "exercise_2_scraping.ipynb run from elsewhere: succeeded without its data"
elif grep -qF "$want" "$log"; then
	pass "exercise_2_scraping.ipynb run from elsewhere: fails saying where it looked for data/commits"
else
	show_log "$log"
	fail "exercise_2_scraping.ipynb run from elsewhere: not the message \"$want\""
fi

if [ "$failures" -ne 0 ]; then
	echo "tests/notebooks: $failures failure(s)" >&2
	exit 1
fi
echo "tests/notebooks: all passed"
