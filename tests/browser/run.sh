#!/usr/bin/env bash
# Browser end-to-end test: the warren kernel in classic Jupyter Notebook 6,
# driven in headless Chromium by playwright-core (tests/browser/notebook.mjs).
#
# Needs (Debian): jupyter-notebook chromium nodejs npm
#   apt-get install -y --no-install-recommends jupyter-notebook chromium nodejs npm
# and playwright-core from tests/browser/package-lock.json (this script runs
# `npm ci` if node_modules is missing; it never downloads a browser).
#
# Environment:
#   WARREN    absolute path of the warren binary (default: bin/warren)
#   PY        python3 with the notebook package (default: /usr/bin/python3)
#   CHROMIUM  browser binary (default: /usr/bin/chromium)
#   NOTEBOOK  jupyter-notebook launcher (default: /usr/bin/jupyter-notebook)
#   OUT_DIR   screenshots and logs (default: tests/browser/out, gitignored)
#
# Everything Jupyter writes (kernelspec, config, runtime files, the notebooks
# the test creates) goes to a temporary directory; the notebook server is
# stopped on exit. Exits non-zero on failure, with a screenshot and the
# server log in OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../.. && pwd)
WARREN=${WARREN:-$ROOT/bin/warren}
PY=${PY:-/usr/bin/python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
NOTEBOOK=${NOTEBOOK:-/usr/bin/jupyter-notebook}
OUT_DIR=${OUT_DIR:-$HERE/out}

die() { echo "tests/browser: $*" >&2; exit 2; }
[ -x "$WARREN" ] || die "WARREN=$WARREN is not an executable (run make build)"
case "$WARREN" in /*) ;; *) WARREN=$(cd "$(dirname "$WARREN")" && pwd)/$(basename "$WARREN") ;; esac
[ -x "$PY" ] || die "PY=$PY not found"
[ -x "$CHROMIUM" ] || die "CHROMIUM=$CHROMIUM not found (apt-get install chromium)"
[ -x "$NOTEBOOK" ] || die "NOTEBOOK=$NOTEBOOK not found (apt-get install jupyter-notebook)"
command -v node >/dev/null || die "node not found (apt-get install nodejs npm)"
# playwright-core is pinned to 1.61, the last release that runs on Node 18
# (Debian bookworm's nodejs).
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
	die "node $(node --version) is too old; playwright-core needs Node 18 or later"
SOLUTION=$ROOT/notebooks/solutions/exercise_1.ipynb
[ -f "$SOLUTION" ] || die "$SOLUTION is missing"

if [ ! -f node_modules/playwright-core/package.json ]; then
	echo "tests/browser: npm ci (playwright-core)"
	npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.png "$OUT_DIR"/*.log "$OUT_DIR"/*.txt

TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-browser.XXXXXX")
SERVER_PID=
cleanup() {
	status=$?
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		# The server shuts its kernels down on SIGTERM; give it a moment.
		for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	[ -f "$TMP/server.log" ] && cp "$TMP/server.log" "$OUT_DIR/server.log"
	rm -rf "$TMP"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Jupyter state lives in $TMP only; HOME too, so nothing in the real home
# directory (config, kernelspecs, migration markers) is read or written.
export HOME=$TMP/home
export JUPYTER_DATA_DIR=$TMP/data
export JUPYTER_CONFIG_DIR=$TMP/config
export JUPYTER_RUNTIME_DIR=$TMP/runtime
export JUPYTER_PATH=$JUPYTER_DATA_DIR
export IPYTHONDIR=$TMP/ipython
export JUPYTER_PLATFORM_DIRS=0
mkdir -p "$HOME" "$JUPYTER_DATA_DIR" "$JUPYTER_CONFIG_DIR" "$JUPYTER_RUNTIME_DIR" "$TMP/nb"

# The kernelspec, via --user, which honours JUPYTER_DATA_DIR.
"$WARREN" install --user
"$PY" - <<'EOF'
from jupyter_client.kernelspec import KernelSpecManager
spec = KernelSpecManager().get_kernel_spec("warren")
assert spec.display_name == "Go (warren)", spec.display_name
print("tests/browser: kernelspec", spec.resource_dir, spec.argv)
EOF

cp "$SOLUTION" "$TMP/nb/exercise_1.ipynb"

TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')

# start_server PORT: starts the notebook server in the background and waits
# (60 s) until its REST API lists the warren kernelspec. Returns 1 if the
# server exited (e.g. the port was taken meanwhile), 2 on timeout.
start_server() {
	# setsid: the server and its kernels get their own process group, so a
	# stray Ctrl-C in the terminal does not reach them mid-test.
	setsid "$NOTEBOOK" --no-browser --ip=127.0.0.1 --port="$1" --port-retries=0 \
		--NotebookApp.token="$TOKEN" --allow-root --notebook-dir="$TMP/nb" \
		>"$TMP/server.log" 2>&1 &
	SERVER_PID=$!
	for _ in $(seq 600); do
		if ! kill -0 "$SERVER_PID" 2>/dev/null; then
			wait "$SERVER_PID" 2>/dev/null || true
			SERVER_PID=
			return 1
		fi
		if "$PY" - "http://127.0.0.1:$1/api/kernelspecs?token=$TOKEN" <<'EOF' 2>/dev/null; then
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    specs = json.load(r)["kernelspecs"]
sys.exit(0 if "warren" in specs else 3)
EOF
			return 0
		fi
		sleep 0.1
	done
	return 2
}

# A free port, chosen here and bound by the server a moment later; another
# process may take it in between, so try a few.
for attempt in 1 2 3; do
	PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	rc=0
	start_server "$PORT" || rc=$?
	if [ "$rc" -eq 1 ] && grep -qi "already in use" "$TMP/server.log"; then
		echo "tests/browser: port $PORT was taken; trying another"
		continue
	fi
	break
done
if [ "$rc" -ne 0 ]; then
	echo "tests/browser: the notebook server did not come up listing the warren kernelspec (status $rc); its log:" >&2
	cat "$TMP/server.log" >&2
	exit 1
fi
URL=http://127.0.0.1:$PORT
echo "tests/browser: notebook server on $URL"

NB_URL=$URL NB_TOKEN=$TOKEN CHROMIUM=$CHROMIUM OUT_DIR=$OUT_DIR PROFILE_DIR=$TMP/chromium-profile \
	node "$HERE/notebook.mjs"
