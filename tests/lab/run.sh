#!/usr/bin/env bash
# Browser end-to-end test of the warren kernel in JupyterLab 4.6's notebook
# components (NotebookPanel, CodeMirror 6, completer, tooltip, toolbar) in
# headless Chromium, driven by playwright-core. JupyterLab's Python package
# is not needed: the page (src/) is bundled from JupyterLab's npm packages
# with esbuild, and any Jupyter server with the REST and kernel websocket
# APIs serves the notebooks and kernels.
#
# What it checks (driver/*.ts): Run All on every notebook in solutions/
# (each verify cell prints its success line, the timeline is drawn in full)
# and in exercises/ (Run All stops with the expected error in a verify cell);
# then Go highlighting, Tab completion, the Shift+Tab tooltip, late task
# output and a late goroutine panic under their own cell, ray's progress
# display updated in place, Interrupt and Restart. Then JupyterLab's visual
# debugger (driver/debugger.ts), in each scenario LAB_DEBUG names: the bug
# button turns it on, a gutter click sets a breakpoint on line 3 of a cell
# (inside a loop; "warren-ray": in a ray.Remote function's body), the cell
# stops there, the Variables panel lists the locals with their values, Next
# and Continue step, and the cell finishes with its output once the
# breakpoint is clicked away. The scenario "python3" runs it in ipykernel,
# the reference implementation, which shows the test itself is right.
# Screenshots go to OUT_DIR.
#
# Two ways to run it:
#
#   tests/lab/run.sh
#       starts Debian's jupyter-server (python3-jupyter-server) on 127.0.0.1
#       with bin/warren's kernelspec and a copy of notebooks/ in a temporary
#       directory, and stops it at the end.
#
#   LAB_URL=http://127.0.0.1:8888/ LAB_TOKEN=… [LAB_NB_DIR=work/notebooks] tests/lab/run.sh
#       tests an already running server (e.g. the workshop container) whose
#       default kernel for the notebooks is warren. LAB_NB_DIR is the
#       directory under the server's root that holds solutions/, exercises/
#       and data/ (default: the root itself). The server needs NO static
#       files and no extra options: Chromium loads the page from
#       <LAB_URL>warren-lab/index.html, and the driver answers every request
#       under that path itself from build/page (Playwright request routing),
#       so the page has the server's origin and talks to its API directly.
#       Nothing is saved to the server's notebooks (autosave is off); the
#       solutions write their timeline .json files next to themselves, as
#       when an attendee runs them. The server must offer the kernelspec
#       "warren" (the notebooks' kernel). Step timeouts are 60-180 s: a
#       kernel whose Go build cache is empty spends minutes on the scraping
#       notebook's html cell (the standard library's export data is built on
#       first use), so warm that cache where the kernel runs.
#
# Needs: node and npm (packages pinned by package-lock.json; `npm ci` runs
# when node_modules is missing or stale; no browser is downloaded), Debian's
# chromium; for the first form also python3-jupyter-server.
#
# Environment: WARREN (bin/warren), PY (/usr/bin/python3), CHROMIUM
# (/usr/bin/chromium), OUT_DIR (tests/lab/out, gitignored), LAB_ONLY (run
# only the steps whose name contains it: "solutions/exercise_1",
# "exercises", "interactive", "debugger", "debugger/python3"), LAB_DEBUG
# (the debugger scenarios: "python3", "warren", "warren-ray"; default all
# three with the server run.sh starts, which then needs python3-ipykernel
# and python3-debugpy, and the warren ones with LAB_URL).
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
ROOT=$(cd ../.. && pwd)
PY=${PY:-/usr/bin/python3}
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
OUT_DIR=${OUT_DIR:-$HERE/out}
WARREN=${WARREN:-$ROOT/bin/warren}

die() { echo "tests/lab: $*" >&2; exit 2; }
[ -x "$CHROMIUM" ] || die "CHROMIUM=$CHROMIUM not found (apt-get install chromium)"
command -v npm >/dev/null || die "npm not found (apt-get install nodejs npm)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
	die "node $(node --version) is too old; playwright-core 1.61 needs Node 18 or later"

# Install (pinned), type-check, build.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	echo "tests/lab: npm ci"
	npm ci --no-audit --no-fund --loglevel=error
fi
npx --no-install tsc --noEmit -p .
node build.mjs

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR"/*.png "$OUT_DIR"/*.log
TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-lab.XXXXXX")
SERVER_PID=
cleanup() {
	status=$?
	if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
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

if [ -z "${LAB_URL:-}" ]; then
	[ -x "$WARREN" ] || die "WARREN=$WARREN is not an executable (run make build)"
	"$PY" -c 'import jupyter_server' 2>/dev/null || die "$PY has no jupyter_server (apt-get install python3-jupyter-server)"
	LAB_DEBUG=${LAB_DEBUG-python3 warren warren-ray}
	case " $LAB_DEBUG " in *" python3 "*)
		"$PY" -c 'import ipykernel, debugpy' 2>/dev/null ||
			die "$PY has no ipykernel or debugpy for the debugger test in python3 (apt-get install python3-ipykernel python3-debugpy, or LAB_DEBUG=warren)"
	esac
	# Jupyter state (kernelspec, config, runtime files) lives in $TMP only.
	# HOME stays: the kernel type-checks cells with the Go toolchain's export
	# data, from the user's Go build and module caches (an empty HOME makes
	# the first cell importing golang.org/x/net/html take minutes).
	export JUPYTER_DATA_DIR=$TMP/data JUPYTER_CONFIG_DIR=$TMP/config
	export JUPYTER_RUNTIME_DIR=$TMP/runtime JUPYTER_PATH=$TMP/data JUPYTER_PLATFORM_DIRS=0
	mkdir -p "$JUPYTER_DATA_DIR" "$JUPYTER_CONFIG_DIR" "$JUPYTER_RUNTIME_DIR" "$TMP/root"
	"$WARREN" install --user >/dev/null
	# The notebooks as an attendee has them: solutions/, exercises/ and the
	# data/ the scraping notebook serves, copied (the originals stay as they are).
	cp -r "$ROOT/notebooks/solutions" "$ROOT/notebooks/exercises" "$ROOT/notebooks/data" "$TMP/root/"
	rm -f "$TMP"/root/*/exercise_*.json
	LAB_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
	for attempt in 1 2 3; do
		PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		setsid "$PY" -m jupyter_server --no-browser --allow-root --ip=127.0.0.1 --port="$PORT" \
			--ServerApp.port_retries=0 --ServerApp.token="$LAB_TOKEN" --ServerApp.password='' \
			--ServerApp.root_dir="$TMP/root" >"$TMP/server.log" 2>&1 &
		SERVER_PID=$!
		up=0
		for _ in $(seq 600); do
			kill -0 "$SERVER_PID" 2>/dev/null || break
			if "$PY" - "http://127.0.0.1:$PORT/api/kernelspecs" "$LAB_TOKEN" <<'EOF' 2>/dev/null; then
import json, sys, urllib.request
req = urllib.request.Request(sys.argv[1], headers={"Authorization": "token " + sys.argv[2]})
with urllib.request.urlopen(req, timeout=2) as r:
    sys.exit(0 if "warren" in json.load(r)["kernelspecs"] else 3)
EOF
				up=1
				break
			fi
			sleep 0.1
		done
		[ "$up" = 1 ] && break
		if ! kill -0 "$SERVER_PID" 2>/dev/null && grep -qi "already in use" "$TMP/server.log"; then
			echo "tests/lab: port $PORT was taken; trying another"
			SERVER_PID=
			continue
		fi
		cat "$TMP/server.log" >&2
		die "jupyter-server did not come up listing the warren kernelspec"
	done
	LAB_URL=http://127.0.0.1:$PORT/
	LAB_NB_DIR=
	echo "tests/lab: jupyter-server $("$PY" -c 'import jupyter_server; print(jupyter_server.__version__)') on $LAB_URL"
else
	[ -n "${LAB_TOKEN:-}" ] || die "LAB_URL is set but LAB_TOKEN is not"
	echo "tests/lab: testing the server at $LAB_URL (notebooks under '${LAB_NB_DIR:-}')"
fi

LAB_URL=$LAB_URL LAB_TOKEN=$LAB_TOKEN LAB_NB_DIR=${LAB_NB_DIR:-} LAB_DEBUG=${LAB_DEBUG-warren warren-ray} LAB_PAGE=$HERE/build/page \
	CHROMIUM=$CHROMIUM OUT_DIR=$OUT_DIR PROFILE_DIR=$TMP/chromium-profile \
	node build/driver.cjs
