#!/usr/bin/env bash
# Runs every solution notebook RUNS times (default 10) with `warren run`, one
# process per run, and prints min/median/max of the duration each exercise
# measures and checks (the "Success! ... took X seconds" line of its verify
# cell). Exits non-zero if any run fails, i.e. if a timing bound is missed.
#
#   WARREN=bin/warren RUNS=10 bash tests/notebooks/timings.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
WARREN=${WARREN:-$PWD/bin/warren}
PY=${PY:-/usr/bin/python3}
RUNS=${RUNS:-10}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-timings.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cp -r notebooks "$TMP/notebooks"

failed=0
: >"$TMP/durations.tsv"
for nb in "$TMP"/notebooks/solutions/*.ipynb; do
	name=$(basename "$nb" .ipynb)
	for i in $(seq 1 "$RUNS"); do
		log="$TMP/$name.$i.log"
		if ! "$WARREN" run --timeout 120s "$nb" >"$log" 2>&1; then
			echo "FAIL: $name run $i:" >&2
			grep -E 'Error|panic|too (slow|fast)' "$log" | head -n 5 >&2
			failed=$((failed + 1))
		fi
		# "Success! The example took 1.004 seconds." or
		# "Success! The parallel scrape took 0.402 seconds, the serial one 1.311 seconds."
		line=$(grep -o 'Success!.*' "$log" | head -n 1)
		d=$(sed -nE 's/^Success!.* took ([0-9.]+) seconds.*/\1/p' <<<"$line")
		[ -n "$d" ] && printf '%s\t%s\n' "$name" "$d" >>"$TMP/durations.tsv"
		s=$(sed -nE 's/.*the serial one ([0-9.]+) seconds.*/\1/p' <<<"$line")
		[ -n "$s" ] && printf '%s\t%s\n' "$name (serial)" "$s" >>"$TMP/durations.tsv"
		# The 1-minute load average: on a shared machine, other processes'
		# CPU use stretches the CPU-bound parts of the exercises.
		printf '%s run %d: %s (load %s)\n' "$name" "$i" "${line:-no Success line}" "$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)"
	done
done

"$PY" - "$TMP/durations.tsv" "$RUNS" <<'EOF'
import sys, statistics, collections
runs = collections.OrderedDict()
for line in open(sys.argv[1]):
    name, d = line.rstrip("\n").split("\t")
    runs.setdefault(name, []).append(float(d))
bounds = {"exercise_1": "1.0 < d < 1.1", "exercise_2": "0.4 < d < 0.8",
          "exercise_3": "0.3 < d < 0.5", "exercise_2_scraping": "d < serial/2"}
print()
print("| notebook | passing runs | min (s) | median (s) | max (s) | bound |")
print("|---|---|---|---|---|---|")
for name, ds in runs.items():
    print("| %s | %d/%s | %.3f | %.3f | %.3f | %s |" % (
        name, len(ds), sys.argv[2], min(ds), statistics.median(ds), max(ds), bounds.get(name, "")))
EOF

if [ "$failed" -ne 0 ]; then
	echo "timings: $failed failed run(s)" >&2
	exit 1
fi
