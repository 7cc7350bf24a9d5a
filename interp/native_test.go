package interp

import (
	"os/exec"
	"strings"
	"testing"
)

// nativeSession is a session with its own native workspace; it skips the
// test where there is no go command.
func nativeSession(t *testing.T, dir string) *Session {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	s, err := New(Options{NoHost: true, NativeDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestNativeCell(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	_, rec := run(t, s, `%%native
import "fmt"

type Point struct{ X, Y int }

func (p Point) String() string { return fmt.Sprintf("(%d, %d)", p.X, p.Y) }

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func fib(n int) int {
	if n < 2 {
		return n
	}
	return fib(n-1) + fib(n-2)
}

var Calls int

func Fibs(ns []int) []int { Calls++; return Map(ns, fib) }

fmt.Println("native", Point{1, 2})
`)
	if got := rec.stdout(); got != "native (1, 2)\n" {
		t.Errorf("stdout = %q", got)
	}
	res, _ := run(t, s, `import "fmt"
p := Point{3, 4}
fmt.Sprintf("%v %T", p, p)`)
	if got := plain(res); got != `"(3, 4) native.Point"` {
		t.Errorf("Point from an interpreted cell: %s", got)
	}
	res, _ = run(t, s, `Fibs([]int{10, 20})`)
	if got := plain(res); got != "[55 6765]" {
		t.Errorf("Fibs = %s", got)
	}
	res, _ = run(t, s, `fib(15)`)
	if got := plain(res); got != "610" {
		t.Errorf("fib = %s", got)
	}
	_, rec, e := try(t, s, `%%native
import "fmt"
fmt.Println(Fibs([]int{7}), Calls)
`)
	if e != nil {
		t.Fatalf("%v\n%s", e, strings.Join(e.Traceback, "\n"))
	}
	if got := rec.stdout(); got != "[13] 2\n" {
		t.Errorf("second native cell printed %q, want the first cell state", got)
	}
}

func TestNativeCompileError(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	run(t, s, `func helper() int { return 1 }`)
	_, _, e := try(t, s, `%%native

func F() int {
	return helper()
}
`)
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "line 4:") {
		t.Fatalf("error = %+v", e)
	}
	if tb := strings.Join(e.Traceback, "\n"); !strings.Contains(tb, "helper is defined in an interpreted cell") || !strings.Contains(tb, "4 | \treturn helper()") {
		t.Errorf("traceback:\n%s", tb)
	}
	res, _ := run(t, s, `helper() + 1`)
	if plain(res) != "2" {
		t.Errorf("session after the error: %s", plain(res))
	}
}
