package interp

import (
	"os/exec"
	"strings"
	"testing"
)

// A function of a %%native cell runs in a worker session that built the
// cell itself (in a workspace of its own, as on another host), and so does
// an interpreted function calling it and a function of a later native cell
// using the first; functions using a native variable, or a native cell a
// later cell declared names of again, are refused at submit.
func TestShipNativeCells(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	driver, b := newShipPair(t)
	driver.opts.NativeDir = t.TempDir()
	b.worker.opts.NativeDir = t.TempDir()
	first := `%%native
import "fmt"

type Pair struct{ A, B int }

func (p Pair) Sum() int { return p.A + p.B }

func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

var Calls int

func count() int { Calls++; return Calls }

func Counted() int { return count() }

Calls = 100
fmt.Println("statements ran")
`
	run(t, driver, first)
	res, _ := run(t, driver, `ray.Get(ray.Remote(Fib).Remote(20))`)
	if got := plain(res); got != "6765" {
		t.Errorf("Fib(20) on the worker = %s, want 6765", got)
	}
	// The worker built the cell from the unit the driver logged, and did
	// not run its statements (Calls keeps its initial value there).
	b.mu.Lock()
	var native int
	for _, h := range b.fetched {
		if src, _ := driver.Source(h); strings.HasPrefix(string(src), nativeHead) {
			native++
		}
	}
	b.mu.Unlock()
	if native != 1 {
		t.Errorf("the worker fetched %d native units, want 1", native)
	}
	if v, err := b.worker.Execute(t.Context(), "check", "Calls", noOutput{}); err != nil || plain(v) != "0" {
		t.Errorf("Calls on the worker = %v, %v; want 0 (statements are not replayed)", plain(v), err)
	}
	// An interpreted function using native names. (Values of native types
	// travel between processes encoded; this backend passes them as they
	// are, and the worker's Pair is another type.)
	run(t, driver, `func viaNative(a, b int) int { return Fib(Pair{a, b}.Sum()) + 1 }`)
	res, _ = run(t, driver, `ray.Get(ray.Remote(viaNative).Remote(4, 6))`)
	if got := plain(res); got != "56" {
		t.Errorf("viaNative on the worker = %s, want 56", got)
	}
	// A later native cell using the first one's names and a module: the
	// worker fetches the version the driver built with, then builds the
	// cell against its own build of the first.
	run(t, driver, `%go get github.com/google/btree@v1.1.3`)
	run(t, driver, `%%native
import "github.com/google/btree"

func FibSum(n int) int { return Fib(n) + Pair{n, n}.Sum() }

func square(n int) int { return n * n }

// SquareTwice submits a task itself (no Ship hook in native code).
func SquareTwice(n int) int { return ray.Get(ray.Remote(square).Remote(n)).(int) * 2 }

// LitTask gives ray.Remote a function literal, which cannot be shipped.
func LitTask() int { return ray.Get(ray.Remote(func() int { return 1 }).Remote()).(int) }

func Distinct(xs []int) int {
	tr := btree.NewG(2, func(a, b int) bool { return a < b })
	for _, x := range xs {
		tr.ReplaceOrInsert(x)
	}
	return tr.Len()
}
`)
	res, _ = run(t, driver, `ray.GetAll(ray.Remote(FibSum).Remote(10), ray.Remote(Distinct).Remote([]int{3, 1, 3, 2, 1}))`)
	if got := plain(res); got != "[75 3]" {
		t.Errorf("FibSum(10), Distinct on the worker = %s, want [75 3]", got)
	}
	// Native code's own ray.Remote(square): every task of this backend
	// runs on the worker, so this shipped square.
	res, _ = run(t, driver, `SquareTwice(7)`)
	if got := plain(res); got != "98" {
		t.Errorf("SquareTwice(7) = %s, want 98", got)
	}
	if _, _, e := try(t, driver, `LitTask()`); e == nil || !strings.Contains(e.Value, "cannot run on a cluster worker") {
		t.Errorf("a function literal of native code: %v, want a refusal at submit", e)
	}
	var gets []string
	b.mu.Lock()
	for _, h := range b.fetched {
		if src, _ := driver.Source(h); strings.HasPrefix(string(src), moduleHead) {
			gets = append(gets, string(src))
		}
	}
	b.mu.Unlock()
	if len(gets) != 1 || gets[0] != "%go get github.com/google/btree@v1.1.3" {
		t.Errorf("module units fetched: %q, want the btree version the driver's workspace resolved", gets)
	}
	// Each native cell was fetched and built once, however many tasks.
	native = 0
	b.mu.Lock()
	for _, h := range b.fetched {
		if src, _ := driver.Source(h); strings.HasPrefix(string(src), nativeHead) {
			native++
		}
	}
	b.mu.Unlock()
	if native != 2 {
		t.Errorf("the worker fetched native units %d times for 2 native cells", native)
	}
	// Refusals: a native variable, through an unexported function.
	_, _, e := try(t, driver, `ray.Get(ray.Remote(Counted).Remote())`)
	if e == nil || !strings.Contains(e.Value, "uses the variable Calls of native cell") || !strings.Contains(e.Value, "through count") {
		t.Errorf("Counted: %v, want a refusal naming Calls", e)
	}
	// A name of the first native cell declared again by an interpreted
	// cell: the worker could not bind both.
	run(t, driver, `type Pair struct{ X string }`)
	_, _, e = try(t, driver, `ray.Get(ray.Remote(Fib).Remote(3))`)
	if e == nil || !strings.Contains(e.Value, "whose Pair cell[") {
		t.Errorf("Fib after Pair was declared again: %v, want a refusal naming Pair", e)
	}
	// As the error says: the cell run again ships (the worker builds the
	// new run and binds its names over the old ones).
	run(t, driver, first)
	res, _ = run(t, driver, `ray.Get(ray.Remote(Fib).Remote(12))`)
	if got := plain(res); got != "144" {
		t.Errorf("Fib after the native cell ran again = %s, want 144", got)
	}
}
