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

// A native function runs as a ray task without the interpreter's gate: a
// cell compiles while the task runs, and the task waits for that cell.
func TestNativeRayTask(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	s := newRaySession(t)
	s.opts.NativeDir = t.TempDir()
	run(t, s, `%%native
import "sync"

var Release = make(chan int)

func Wait() int { return <-Release * 2 }

func Give(x int) { Release <- x }

// Pool runs f on each job with n workers.
func Pool(n int, jobs []int, f func(int) int) []int {
	out := make([]int, len(jobs))
	var wg sync.WaitGroup
	ch := make(chan int)
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range ch {
				out[i] = f(jobs[i])
			}
		}()
	}
	for i := range jobs {
		ch <- i
	}
	close(ch)
	wg.Wait()
	return out
}

func Square(x int) int { return x * x }

func SumSquares(n int) int {
	refs := make([]ray.ObjectRef, n)
	for i := range refs {
		refs[i] = ray.Remote(Square).Remote(i)
	}
	total := 0
	for _, v := range ray.GetAll(refs...) {
		total += v.(int)
	}
	return total
}
`)
	run(t, s, `ray.Init(ray.NumCPUs(2))
ref := ray.Remote(Wait).Remote()`)
	run(t, s, `x := 21
Give(x)`)
	res, _ := run(t, s, `ray.Get(ref)`)
	if plain(res) != "42" {
		t.Errorf("native task = %s", plain(res))
	}
	res, _ = run(t, s, `Pool(3, []int{1, 2, 3, 4}, func(x int) int { return x + 1 })`)
	if plain(res) != "[2 3 4 5]" {
		t.Errorf("Pool with an interpreted func = %s", plain(res))
	}
	res, _ = run(t, s, `ray.Get(ray.Remote(SumSquares).Remote(10))`)
	if plain(res) != "285" {
		t.Errorf("nested native tasks = %s", plain(res))
	}
}
