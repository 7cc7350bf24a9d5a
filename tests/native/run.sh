#!/usr/bin/env bash
# Native tier tests (`make nativetest`): %%native cells, native ray tasks,
# %go get and automatic module imports, and every failure path, through
# `warren run` and through the kernel (jupyter nbconvert --execute). Needs
# WARREN (a warren built by `make build`), PY (python3 with nbformat and
# nbconvert), the go command, and the Go module proxy (github.com/google/btree
# v1.1.3, github.com/dustin/go-humanize, golang.org/x/net v0.61.0).
#
# Each run uses a fresh native workspace (XDG_CACHE_HOME in a temporary
# directory); the Go build and module caches are the machine's.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
PY=${PY:-/usr/bin/python3}
WARREN=${WARREN:-$ROOT/bin/warren}
GO=${GO:-go}

failures=0
fail() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}
pass() { echo "ok:   $*"; }

if [ ! -x "$WARREN" ]; then
	echo "tests/native: WARREN=$WARREN is not an executable (run make build)" >&2
	exit 2
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-native.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export GOCACHE=$("$GO" env GOCACHE) GOMODCACHE=$("$GO" env GOMODCACHE)
export XDG_CACHE_HOME="$TMP/cache"
export JUPYTER_DATA_DIR="$TMP/jupyter" JUPYTER_CONFIG_DIR="$TMP/jupyter-config" \
	JUPYTER_RUNTIME_DIR="$TMP/jupyter-runtime" JUPYTER_PLATFORM_DIRS=1 \
	IPYTHONDIR="$TMP/ipython" JUPYTER_PATH=""
"$WARREN" install --name warren >/dev/null || fail "warren install"

for src in tests/native/[nf]*.src; do
	"$PY" tests/native/mknb.py "$src" "$TMP/$(basename "$src" .src).ipynb" || fail "mknb $src"
done

# check NOTEBOOK.ipynb CELL ENAME TEXT: cell CELL (0-based) of the executed
# notebook failed with ENAME and TEXT in its evalue or traceback, and the
# last cell printed "alive".
check() {
	"$PY" - "$@" <<'PYEOF'
import sys, nbformat
path, idx, ename, text = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
nb = nbformat.read(path, as_version=4)
errs = [o for o in nb.cells[idx].outputs if o.output_type == "error"]
if not errs:
    sys.exit("cell %d did not fail: %r" % (idx, nb.cells[idx].outputs))
e = errs[0]
full = e.evalue + "\n" + "\n".join(e.traceback)
if e.ename != ename or text not in full:
    sys.exit("cell %d failed with %s: %s, want %s containing %r" % (idx, e.ename, full, ename, text))
last = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
if "alive" not in last:
    sys.exit("the session did not survive: last cell printed %r" % last)
print("   ", e.ename + ":", e.evalue.split("\n")[0][:150])
PYEOF
}

# 1. Happy paths through warren run, then through the kernel.
if "$WARREN" run --timeout 300s "$TMP/native_cells.ipynb" >"$TMP/run.log" 2>&1; then
	pass "warren run native_cells.ipynb (native cells, native ray tasks, %go get, automatic import)"
else
	tail -n 40 "$TMP/run.log" >&2
	fail "warren run native_cells.ipynb"
fi
if "$PY" -m nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=warren \
	--ExecutePreprocessor.timeout=300 --output-dir "$TMP/nbconvert" "$TMP/native_cells.ipynb" >"$TMP/nbconvert.log" 2>&1; then
	pass "nbconvert --execute native_cells.ipynb through the kernel"
else
	tail -n 40 "$TMP/nbconvert.log" >&2
	fail "nbconvert --execute native_cells.ipynb"
fi
cp notebooks/native_speedup.ipynb "$TMP/"
if "$WARREN" run --timeout 300s -q "$TMP/native_speedup.ipynb" >"$TMP/speedup.log" 2>&1; then
	pass "warren run notebooks/native_speedup.ipynb"
else
	tail -n 40 "$TMP/speedup.log" >&2
	fail "warren run notebooks/native_speedup.ipynb"
fi

# 2. Failure paths: a clear cell error, and the session lives on.
expect() { # expect NAME CELL ENAME TEXT [env...]: run NAME.ipynb with --allow-errors
	local name=$1 cell=$2 ename=$3 text=$4
	shift 4
	if env "$@" "$WARREN" run --allow-errors -q --timeout 300s -o "$TMP/out-$name.ipynb" "$TMP/$name.ipynb" >"$TMP/$name.log" 2>&1 &&
		check "$TMP/out-$name.ipynb" "$cell" "$ename" "$text"; then
		pass "$name: $ename"
	else
		tail -n 20 "$TMP/$name.log" >&2
		fail "$name: want $ename containing '$text'"
	fi
}
expect fail_build 1 CompileError "helper is defined in an interpreted cell"
expect fail_exit 0 Exit "os.Exit(3) called"
if ! "$PY" -c '
import sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
sys.exit(any("deferred call ran" in o.get("text", "") for c in nb.cells for o in c.outputs))
' "$TMP/out-fail_exit.ipynb"; then
	fail "fail_exit: a deferred call ran after os.Exit"
fi
expect fail_gopanic 0 panic "in a goroutine started by native code"
expect fail_libexit 0 FatalError "the Go session process ended (exit status 2)"
expect fail_module 0 ImportError "cannot get github.com/warren-go/no-such-module@v1.0.0"
expect fail_dep 0 ImportError "a plugin must share the kernel's version of every module"
nogo=$TMP/nogo
mkdir -p "$nogo"
expect fail_native 0 NativeError "no Go toolchain" PATH="$nogo:/usr/bin:/bin"
fakego=$TMP/fakego
mkdir -p "$fakego"
printf '#!/bin/sh\necho go1.20.1\n' >"$fakego/go"
chmod +x "$fakego/go"
expect fail_native 0 NativeError "toolchain mismatch" PATH="$fakego:$PATH"

# 3. A kernel built without cgo (like an OS without plugins): a clear error,
# interpreted cells still work.
if CGO_ENABLED=0 "$GO" build -o "$TMP/warren-nocgo" ./cmd/warren; then
	WARREN_SAVED=$WARREN
	WARREN=$TMP/warren-nocgo
	expect fail_native 0 NativeError "CGO_ENABLED=0"
	WARREN=$WARREN_SAVED
else
	fail "CGO_ENABLED=0 go build"
fi

# 4. The checkout changed after the kernel was built: plugins sharing the
# changed package cannot load; the error says to rebuild.
mkdir -p "$TMP/src"
git ls-files -z | xargs -0 cp --parents -t "$TMP/src"
if (cd "$TMP/src" && make -s build GO="$GO" >/dev/null); then
	printf '\n// Changed is a change after the build.\nconst Changed = 1\n' >>"$TMP/src/parallel/doc.go"
	WARREN_SAVED=$WARREN
	WARREN=$TMP/src/bin/warren
	expect fail_ray 0 NativeError "rebuild warren (make build)"
	WARREN=$WARREN_SAVED
else
	fail "make build in a copy of the checkout"
fi

# 5. The go install …@VERSION path: warren installed from a module proxy on
# disk runs native cells and %go get (tests/native/goinstall.sh).
if PY="$PY" GO="$GO" bash tests/native/goinstall.sh; then
	pass "go install github.com/warren-go/warren/cmd/warren@VERSION from a module proxy on disk"
else
	fail "go install from a module proxy on disk"
fi

if [ "$failures" -gt 0 ]; then
	echo "tests/native: $failures failure(s)" >&2
	exit 1
fi
echo "tests/native: all passed"
