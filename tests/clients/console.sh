#!/usr/bin/env bash
# Drive `jupyter console --kernel warren` through tmux: type a multi-line
# func line by line (is_complete decides when the cell is done and the
# indentation of continuation lines), call it, and check the output.
# Needs: tmux, jupyter-console; PY (python with Jupyter), kernelspec installed.
set -euo pipefail
PY=${PY:-/usr/bin/python3}
KERNEL=${WARREN_KERNEL_NAME:-warren}
sock="warren-console-test-$$"
sess=console
log=$(mktemp)
tmx() { tmux -L "$sock" "$@"; }
cleanup() {
	tmx kill-server 2>/dev/null || true
	rm -f "$log"
}
trap cleanup EXIT

screen() { tmx capture-pane -p -J -S -200 -t "$sess"; }
wait_for() { # wait_for REGEX SECONDS
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		if screen | grep -Eq -- "$1"; then return 0; fi
		sleep 0.1
	done
	echo "console: timed out waiting for /$1/; screen:" >&2
	screen >&2
	return 1
}
type_line() { tmx send-keys -t "$sess" -l -- "$1"; tmx send-keys -t "$sess" Enter; sleep 0.4; }

tmx new-session -d -s "$sess" -x 160 -y 50 \
	"env JUPYTER_DATA_DIR='${JUPYTER_DATA_DIR:-}' JUPYTER_RUNTIME_DIR='${JUPYTER_RUNTIME_DIR:-}' $PY -m jupyter_console --kernel=$KERNEL --ZMQTerminalInteractiveShell.highlighting_style=bw 2>&1; sleep 30"
wait_for 'In \[1\]' 30
sleep 2 # the Debian console drops the first message if typed sooner

type_line 'import "fmt"'
wait_for 'In \[2\]' 15
type_line 'func greet(name string) string {'
type_line 's := "hello, " + name'
type_line 'return s + "!"'
type_line '}'
wait_for 'In \[3\]' 15
type_line 'fmt.Println(greet("tmux"))'
wait_for 'In \[4\]' 15
type_line 'greet("console")'
wait_for 'In \[5\]' 15

out=$(screen)
status=0
# The func was entered as continuation lines ("...:" prompts), not run early.
if ! grep -Eq '^ *\.\.\.:' <<<"$out"; then
	echo "FAIL console: no continuation prompt while typing the func" >&2
	status=1
fi
if grep -Eq 'Error|expected' <<<"$out"; then
	echo "FAIL console: an error was reported" >&2
	status=1
fi
grep -q '^hello, tmux!$' <<<"$out" || { echo "FAIL console: fmt.Println output missing" >&2; status=1; }
grep -Eq 'Out\[4\]: "hello, console!"' <<<"$out" || { echo "FAIL console: Out[4] missing" >&2; status=1; }

# Quit: Ctrl-D, confirm; the console shuts the kernel down.
tmx send-keys -t "$sess" C-d
sleep 0.5
tmx send-keys -t "$sess" y Enter
sleep 1
if [ $status -ne 0 ]; then
	echo "--- console screen ---" >&2
	echo "$out" >&2
	exit 1
fi
[ -n "${VERBOSE:-}" ] && echo "$out"
echo "ok   jupyter console: multi-line func typed line by line, then called"
