#!/usr/bin/env bash
# `make gotest`: go test -race over every package, and without -race the
# tests that cannot run under it. The race runtime (TSan)
# itself sometimes aborts a test binary that loads Go plugins or starts
# thousands of goroutines with "ThreadSanitizer: failed to restore address"
# — a failure of the sanitizer, not a reported race and not a failing test.
# Only then the packages whose binary aborted that way run once more (and
# the rerun is reported); any other failure, and any DATA RACE report,
# fails at once.
set -uo pipefail
GO=${GO:-go}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# The tests that run only without the race detector (build tag !race: the
# debugger in ray tasks and goroutines, where yaegi itself races; see
# interp/debug_norace_test.go), first.
norace=$(grep -l '^//go:build !race' $(git ls-files '*_test.go') | xargs -r -n1 dirname | sort -u | sed 's|^|./|')
if [ -n "$norace" ]; then
	# shellcheck disable=SC2086
	"$GO" test -count=1 -run "$(grep -h '^func Test' $(grep -l '^//go:build !race' $(git ls-files '*_test.go')) | sed 's/^func \(Test[A-Za-z0-9_]*\).*/\1/' | paste -sd'|')" $norace || exit 1
fi

"$GO" test -race -count=1 ./... 2>&1 | tee "$out"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && exit 0

if grep -q "WARNING: DATA RACE" "$out" || grep -q -- "^--- FAIL" "$out" || ! grep -q "ThreadSanitizer: failed to restore address" "$out"; then
	exit "$status"
fi
pkgs=$(grep -E "^FAIL[[:space:]]+[^[:space:]]+[[:space:]]" "$out" | awk '{print $2}' | sort -u)
if [ -z "$pkgs" ]; then
	exit "$status"
fi
echo "gotest: the race runtime aborted ($(echo $pkgs)) with 'failed to restore address'; running those packages once more" >&2
# shellcheck disable=SC2086
exec "$GO" test -race -count=1 $pkgs
