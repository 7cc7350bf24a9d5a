#!/usr/bin/env bash
# Client tests for the warren kernel (make clienttest):
#   1. jupyter_kernel_test suite (test_kernel.py), run with unittest -v
#   2. jupyter console driven through tmux (console.sh)
#   3. jupyter_client checks: interrupt, os.Exit/log.Fatal/goroutine panic,
#      Go fatal errors (FatalError, fresh session), undecodable requests,
#      replayed messages, restart and shutdown over control (client_test.py)
#   4. completion and inspection, a table of cases (editing_test.py)
#   5. the debugger: breakpoints in a cell and in a ray task, stepping,
#      variables, interrupt while stopped (debug_test.py)
#   6. start-up and execute latency, warren vs ipykernel (printed, not asserted)
# Env: PY (python with Jupyter; default /usr/bin/python3), WARREN (absolute
# path of the built binary). Exits non-zero on any failure.
# Needs (Debian): jupyter-client jupyter-core python3-jupyter-kernel-test
# jupyter-console python3-ipykernel tmux.
set -uo pipefail
PY=${PY:-/usr/bin/python3}
WARREN=${WARREN:?set WARREN to the absolute path of the warren binary}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An isolated Jupyter: our kernelspec only in a temporary data dir. The
# system kernelspecs (python3 for the comparison) remain visible.
export JUPYTER_DATA_DIR="$tmp/data" JUPYTER_RUNTIME_DIR="$tmp/runtime" JUPYTER_CONFIG_DIR="$tmp/config"
export IPYTHONDIR="$tmp/ipython" PYDEVD_DISABLE_FILE_VALIDATION=1
export WARREN_KERNEL_NAME=warren

failed=()
step() { # step NAME TIMEOUT CMD...
	local name=$1 t=$2
	shift 2
	echo "=== $name"
	if ! timeout -k 10 "$t" "$@"; then
		echo "=== FAIL: $name" >&2
		failed+=("$name")
	fi
}

echo "=== install kernelspec"
if ! "$WARREN" install --name warren; then
	echo "FAIL: warren install" >&2
	exit 1
fi
specs=$("$PY" -m jupyter kernelspec list)
echo "$specs"
if ! grep -Eq "^ *warren +$JUPYTER_DATA_DIR/kernels/warren$" <<<"$specs"; then
	echo "FAIL: jupyter kernelspec list does not show warren" >&2
	exit 1
fi
for f in kernel.json logo-32x32.png logo-64x64.png; do
	[ -s "$JUPYTER_DATA_DIR/kernels/warren/$f" ] || { echo "FAIL: kernelspec lacks $f" >&2; exit 1; }
done

step "jupyter_kernel_test (unittest -v)" 300 \
	bash -c "cd '$here' && '$PY' -m unittest -v test_kernel"
step "jupyter console via tmux" 180 env PY="$PY" bash "$here/console.sh"
step "jupyter_client checks" 180 "$PY" "$here/client_test.py" --kernel warren
step "editing: completion and inspection table" 120 \
	bash -c "cd '$here' && '$PY' editing_test.py --kernel warren --table"
step "debugger: debug_request/debug_event (JupyterLab's DAP subset)" 180 \
	"$PY" "$here/debug_test.py" --kernel warren

# Latency, warren vs Debian's ipykernel (python3), same client, same run.
if "$PY" -m jupyter kernelspec list | grep -Eq '^ *python3 '; then
	out=${LATENCY_OUT:-$tmp/latency.txt}
	step "latency: warren vs ipykernel (measured, not asserted)" 300 \
		"$PY" "$here/client_test.py" --bench --kernel warren --compare python3 -n 50 --out "$out"
else
	echo "=== latency: skipped (no python3 kernelspec; install python3-ipykernel)"
fi

if [ ${#failed[@]} -gt 0 ]; then
	printf 'FAILED: %s\n' "${failed[@]}" >&2
	exit 1
fi
echo "=== client tests passed"
