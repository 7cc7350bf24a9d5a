#!/usr/bin/env bash
# The `go install github.com/warren-go/warren/cmd/warren@VERSION` path of
# the native tier, without publishing anything: this checkout (its tracked
# and untracked, not ignored files, as they are on disk) is put as a module
# zip into a module proxy on disk, warren is installed from it with
# GOPROXY=file://PROXY,<the usual proxy> into a temporary GOBIN, and that
# binary runs a %%native cell, a native ray task and a %go get cell
# (tests/native/goinstall_cells.src) through `warren run`.
#
# The version is a pseudo-version made from the content (the same files give
# the same version), so a rerun of unchanged files finds the build cache
# warm. The module cache is the machine's: each content tested leaves one
# copy of warren's source there. Needs the go command (skipped without it),
# gcc, PY (python3 with nbformat), and the usual proxy for btree v1.1.3 if
# the module cache lacks it. Called by tests/native/run.sh (make nativetest).
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
GO=${GO:-go}
PY=${PY:-/usr/bin/python3}
MOD=github.com/warren-go/warren

if ! command -v "$GO" >/dev/null; then
	echo "tests/native/goinstall: SKIPPED: no go command on PATH (the go install path needs the Go toolchain)"
	exit 0
fi
TMP=$(mktemp -d "${TMPDIR:-/tmp}/warren-goinstall.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT

files() { git ls-files -z --cached --others --exclude-standard; }
sum=$(files | xargs -0 -I{} sh -c 'test -f "{}" && printf "%s\n" "{}" && cat "{}"' | sha256sum | cut -c1-12)
stamp=$(TZ=UTC git log -1 --format=%cd --date=format-local:%Y%m%d%H%M%S)
VER=v0.0.0-$stamp-$sum
PROXY=$TMP/proxy
dir=$PROXY/$MOD/@v
mkdir -p "$dir"
files | "$PY" -c '
import os, sys, zipfile
mod, ver, out = sys.argv[1:4]
names = [n for n in sys.stdin.buffer.read().decode().split("\0") if n]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for n in sorted(names):
        if os.path.isfile(n) and not os.path.islink(n):
            z.write(n, "%s@%s/%s" % (mod, ver, n))
' "$MOD" "$VER" "$dir/$VER.zip" || { echo "FAIL: writing the module zip" >&2; exit 1; }
cp go.mod "$dir/$VER.mod"
t=${stamp:0:4}-${stamp:4:2}-${stamp:6:2}T${stamp:8:2}:${stamp:10:2}:${stamp:12:2}Z
printf '{"Version":"%s","Time":"%s"}\n' "$VER" "$t" >"$dir/$VER.info"
echo "$VER" >"$dir/list"

export GOPROXY="file://$PROXY,$("$GO" env GOPROXY)" GONOSUMDB=$MOD GOBIN=$TMP/bin CGO_ENABLED=1
start=$(date +%s)
if ! "$GO" install "$MOD/cmd/warren@$VER" >"$TMP/install.log" 2>&1; then
	tail -n 30 "$TMP/install.log" >&2
	echo "FAIL: go install $MOD/cmd/warren@$VER" >&2
	exit 1
fi
echo "ok:   go install $MOD/cmd/warren@$VER ($(($(date +%s) - start)) s)"

# The installed binary records the version; its native workspace uses the
# module cache's copy of that version.
if ! "$GO" version -m "$GOBIN/warren" | grep -q "mod	$MOD	$VER"; then
	"$GO" version -m "$GOBIN/warren" >&2
	echo "FAIL: the installed warren does not record $MOD $VER" >&2
	exit 1
fi
export XDG_CACHE_HOME=$TMP/cache
"$PY" tests/native/mknb.py tests/native/goinstall_cells.src "$TMP/cells.ipynb" || exit 1
start=$(date +%s)
if ! "$GOBIN/warren" run --timeout 300s -o "$TMP/out.ipynb" "$TMP/cells.ipynb" >"$TMP/run.log" 2>&1; then
	tail -n 40 "$TMP/run.log" >&2
	echo "FAIL: the installed warren running %%native and %go get cells" >&2
	exit 1
fi
if ! grep -q "main.Point (1, 2)" "$TMP/out.ipynb" || ! grep -q "go install build: ok" "$TMP/out.ipynb"; then
	echo "FAIL: the cells' output lacks main.Point (1, 2) or 'go install build: ok'" >&2
	exit 1
fi
echo "ok:   installed warren ran a %%native cell, a native ray task and %go get ($(($(date +%s) - start)) s)"
