"""Editing quality through jupyter_client: complete_request and
inspect_request against a session holding a cell type with a method, a
strings.Builder and a ray remote function. Each row is (what, code, cursor,
kind, want, reject): kind "complete" needs every name of want among the
matches and none of reject; kind "inspect" needs every string of want in the
text/plain reply and none of reject. cursor None means the end of code.

    python3 editing_test.py [--kernel warren] [--table]

--table prints each row's outcome and round-trip times as a Markdown table:
the first request of the row, then the median of 5 more (measured, not
asserted). Exit 1 on any failure. Needs the
kernelspec installed (tests/clients/run.sh does it).
"""
import argparse
import statistics
import sys
import time

from client_test import TIMEOUT, check, failures, run, shell_reply, start

SETUP = """import ("math"; "strings")
type Point struct{ X, Y int }
// Norm is the distance from the origin.
func (p Point) Norm() float64 { return math.Hypot(float64(p.X), float64(p.Y)) }
p := Point{1, 2}
var sb strings.Builder
f := ray.Remote(func(x int) int { return 2 * x })
"""

ROWS = [
    # what, code, cursor, kind, want, reject
    ("fields and methods of a cell type", "p.", None, "complete", ["X", "Y", "Norm"], []),
    ("method prefix of a cell type", "p.No", None, "complete", ["Norm"], ["X"]),
    ("exported members only of a compiled type", "f.", None, "complete",
     ["Remote", "Options"], ["file", "fn", "fname"]),
    ("methods of a standard-library type", "sb.Wr", None, "complete",
     ["WriteString", "WriteByte"], ["buf", "addr"]),
    ("constants of a package", "time.Mill", None, "complete", ["Millisecond"], []),
    ("all package-level names", "time.", None, "complete",
     ["Duration", "Now", "Month", "RFC3339", "Local", "Sleep"], []),
    ("generic functions of the standard library", "slices.So", None, "complete",
     ["Sort", "SortFunc"], []),
    ("a variable declared in the cell being edited", "q := Point{3, 4}\nq.", None, "complete",
     ["Norm", "X"], []),
    ("a parameter inside a function being written", "func g(pt *Point) float64 {\n\treturn pt.\n}", 39, "complete",
     ["Norm", "X", "Y"], ["break"]),
    ("names in scope: a parameter", "func h(paramOne int) {\n\tpar", None, "complete", ["paramOne"], []),
    ("a method's result (a string: no members)", "sb.String().", None, "complete", [], ["Len", "break", "append"]),
    ("a chained call on a compiled type", "strings.NewReplacer(\"a\", \"b\").", None, "complete",
     ["Replace", "WriteString"], []),
    ("import paths of the standard library", 'import "enc', None, "complete",
     ["encoding/json", "encoding/csv", "encoding/base64"], ["fmt"]),
    ("import paths in a group", 'import (\n\t"fmt"\n\t"net/ht', None, "complete",
     ["net/http", "net/http/httptest"], ["net/url"]),
    ("warren's packages as import paths", 'import "dis', None, "complete", ["display"], []),
    ("docs of a standard-library method", "sb.WriteString", 5, "inspect",
     ["func (b *Builder) WriteString(s string) (int, error)", "WriteString appends"], []),
    ("the declared type of a variable of a cell type", "p", 1, "inspect", ["Point"], ["struct {"]),
    ("a cell type's method, with its doc comment", "p.Norm", 4, "inspect",
     ["func (p Point) Norm() float64", "Norm is the distance from the origin."], []),
    ("a cell type", "Point", 2, "inspect", ["type Point struct", "Norm() float64"], []),
    ("a compiled type's method", "f.Remote", 4, "inspect", ["Remote("], ["file"]),
    ("a package constant", "time.Millisecond", 8, "inspect", ["Millisecond"], []),
]


def complete(kc, code, cursor):
    msg_id = kc.complete(code, cursor)
    return shell_reply(kc, msg_id)["content"]


def inspect(kc, code, cursor):
    msg_id = kc.inspect(code, cursor, 0)
    return shell_reply(kc, msg_id)["content"]


def evaluate(kc, row):
    what, code, cursor, kind, want, reject = row
    if cursor is None:
        cursor = len(code)
    times = []
    for _ in range(6):
        t0 = time.perf_counter()
        c = complete(kc, code, cursor) if kind == "complete" else inspect(kc, code, cursor)
        times.append(time.perf_counter() - t0)
    if kind == "complete":
        got = c.get("matches", [])
        ok = c["status"] == "ok" and all(w in got for w in want) and not any(r in got for r in reject)
        shown = ", ".join(got[:8]) + (" …" if len(got) > 8 else "")
    else:
        text = c.get("data", {}).get("text/plain", "") if c.get("found") else ""
        ok = c["status"] == "ok" and all(w in text for w in want) and not any(r in text for r in reject)
        shown = text.split("\n")[0] if text else "(not found)"
    return ok, shown, times[0], statistics.median(times[1:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", default="warren")
    ap.add_argument("--table", action="store_true")
    args = ap.parse_args()
    km, kc, _ = start(args.kernel)
    try:
        content, _ = run(kc, SETUP, timeout=TIMEOUT)
        check(content["status"] == "ok", "session setup runs")
        lines = ["| case | code | result | first ms | median ms |", "|---|---|---|---|---|"]
        for row in ROWS:
            ok, shown, first, med = evaluate(kc, row)
            check(ok, f"{row[3]} {row[1]!r}: {row[0]} (got {shown})")
            code = row[1].replace("\n", "⏎").replace("\t", "")
            lines.append(f"| {row[0]} | `{code}` | {'ok' if ok else 'FAIL'}: {shown.replace('|', '¦')} | {first * 1000:.1f} | {med * 1000:.1f} |")
        if args.table:
            print("\n".join(lines))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    if failures:
        print(f"{len(failures)} editing checks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
