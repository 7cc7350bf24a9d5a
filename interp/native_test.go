package interp

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
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
	if got := plain(res); got != `"(3, 4) main.Point"` {
		t.Errorf("Point from an interpreted cell: %s", got)
	}
	_, _, e := try(t, s, "xs := Map([]int{1}, fib)")
	if e == nil || !strings.Contains(e.Value, "Map is generic (native cell") {
		t.Errorf("generic native function from an interpreted cell: %+v", e)
	}
	res, _ = run(t, s, `Fibs([]int{10, 20})`)
	if got := plain(res); got != "[55 6765]" {
		t.Errorf("Fibs = %s", got)
	}
	res, _ = run(t, s, `fib(15)`)
	if got := plain(res); got != "610" {
		t.Errorf("fib = %s", got)
	}
	_, rec, e = try(t, s, `%%native
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

// %go get, then an import of the fetched module from interpreted and native
// cells; and an import the session does not know, fetched automatically.
func TestNativeGoGetAndImport(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	_, rec := run(t, s, `%go get github.com/google/btree@v1.1.3`)
	if !strings.Contains(rec.stderr(), "go get github.com/google/btree@v1.1.3") {
		t.Errorf("no progress: %q", rec.stderr())
	}
	// A fetched module is an import path completion offers.
	if m, _, _ := s.Complete(`import "github.com/google/bt`, 28); !slices.Contains(m, "github.com/google/btree") {
		t.Errorf("import path completion after %%go get = %v", m)
	}
	res, _ := run(t, s, `import "github.com/google/btree"
t2 := btree.New(2)
for _, v := range []int{5, 1, 3} {
	t2.ReplaceOrInsert(btree.Int(v))
}
t2.Min()`)
	if plain(res) != "1" {
		t.Errorf("btree Min = %s", plain(res))
	}
	// The module's package and its types complete like the standard library's.
	if m, _, _ := s.Complete("btree.Ne", 8); !slices.Contains(m, "New") {
		t.Errorf("btree.Ne completes to %v", m)
	}
	if m, _, _ := s.Complete("t2.", 3); !slices.Contains(m, "ReplaceOrInsert") || !slices.Contains(m, "Min") || slices.Contains(m, "root") {
		t.Errorf("t2. completes to %v", m)
	}
	_, rec = run(t, s, `%%native
import (
	"fmt"
	"github.com/google/btree"
)
tr := btree.NewOrderedG[string](2)
tr.ReplaceOrInsert("b")
tr.ReplaceOrInsert("a")
m, _ := tr.Min()
fmt.Println(m, tr.Len())
`)
	if rec.stdout() != "a 2\n" {
		t.Errorf("native btree printed %q", rec.stdout())
	}
	res, rec = run(t, s, `import "github.com/dustin/go-humanize"
humanize.Bytes(82854982)`)
	if plain(res) != `"83 MB"` {
		t.Errorf("humanize.Bytes = %s", plain(res))
	}
	if !strings.Contains(rec.stderr(), "building github.com/dustin/go-humanize") {
		t.Errorf("no progress for the automatic import: %q", rec.stderr())
	}
}

func TestNativeFailures(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	for _, tc := range []struct {
		name, code, ename, want string
	}{
		{"no such module", `%go get github.com/warren-go/no-such-module-here@v1.0.0`, "ImportError", "cannot get github.com/warren-go/no-such-module-here@v1.0.0"},
		{"no such import", `import "github.com/warren-go/no-such-module-here/pkg"`, "ImportError", "no-such-module-here"},
		{"does not build", "%%native\nfunc F() int { return \"x\" }", "CompileError", "line 2:"},
		{"native panic", "%%native\nfunc boom(xs []int) int { return xs[3] }\nboom(nil)", "runtime.Error", "index out of range"},
		{"initializer panic", "%%native\nfunc boom() int { panic(\"init failed\") }\nvar X = boom()", "panic", "init failed"},
		{"unknown magic", "%pip install x", "CompileError", "unknown magic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, e := try(t, s, tc.code)
			if e == nil || e.Name != tc.ename || !strings.Contains(e.Value, tc.want) {
				t.Fatalf("error = %+v, want %s containing %q", e, tc.ename, tc.want)
			}
			if tc.name == "native panic" {
				if tb := strings.Join(e.Traceback, "\n"); !strings.Contains(tb, "at boom (line 2)") || !strings.Contains(tb, "at cell (line 3)") {
					t.Errorf("traceback:\n%s", tb)
				}
			}
			res, _ := run(t, s, "1 + 1")
			if plain(res) != "2" {
				t.Errorf("session after the error: %s", plain(res))
			}
		})
	}
}

// Native types are real Go types: errors.As finds a native error type, a
// MIMEBundle method renders, and re-running a native cell rebinds its names.
func TestNativeRealTypes(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	run(t, s, `%%native
import "fmt"

type NotFound struct{ Key string }

func (e *NotFound) Error() string { return "not found: " + e.Key }

func Lookup(k string) error { return fmt.Errorf("lookup: %w", &NotFound{k}) }

type Chart struct{ Title string }

func (c Chart) MIMEBundle() map[string]any {
	return map[string]any{"text/html": "<h1>" + c.Title + "</h1>", "text/plain": c.Title}
}

func Version() int { return 1 }

var secret = 42
`)
	res, _ := run(t, s, `import "errors"
var nf *NotFound
err := Lookup("k")
errors.As(err, &nf) && nf.Key == "k"`)
	if plain(res) != "true" {
		t.Errorf("errors.As with a native error type = %s", plain(res))
	}
	res, _ = run(t, s, `Chart{"sales"}`)
	if res["text/html"] != "<h1>sales</h1>" {
		t.Errorf("MIMEBundle of a native type: %v", res)
	}
	run(t, s, "%%native\nfunc Version() int { return 2 }")
	res, _ = run(t, s, `Version()`)
	if plain(res) != "2" {
		t.Errorf("after re-running, Version() = %s", plain(res))
	}
	_, _, e := try(t, s, "%%native\nfunc Peek() int { return secret }")
	if e == nil || !strings.Contains(strings.Join(e.Traceback, "\n"), "secret is declared in native cell") {
		t.Errorf("unexported name of another native cell: %+v", e)
	}
}

// Output of native code reaches the cell: stdout, stderr and display.Show,
// also from a goroutine the cell waits for.
func TestNativeOutput(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	_, rec := run(t, s, `%%native
import (
	"display"
	"fmt"
	"os"
	"sync"
)

var wg sync.WaitGroup
wg.Add(1)
go func() {
	defer wg.Done()
	fmt.Println("from a goroutine")
}()
wg.Wait()
fmt.Fprintln(os.Stderr, "to stderr")
display.Show(display.HTML("<b>shown</b>"))
`)
	// (stderr may start with a note that the build takes long.)
	if rec.stdout() != "from a goroutine\n" || !strings.HasSuffix(rec.stderr(), "to stderr\n") {
		t.Errorf("stdout %q, stderr %q", rec.stdout(), rec.stderr())
	}
	if len(rec.displays) != 1 || rec.displays[0]["text/html"] != "<b>shown</b>" {
		t.Errorf("displays = %v", rec.displays)
	}
}

// Interrupting a native cell returns at once with a KeyboardInterrupt that
// says the compiled code keeps running; the session lives on.
func TestNativeInterrupt(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	rec := newRecorder()
	done := make(chan error, 1)
	go func() {
		_, err := s.Execute(ctx, "interrupted-native", "%%native\nimport (\n\t\"fmt\"\n\t\"time\"\n)\nfmt.Println(\"started\")\ntime.Sleep(2 * time.Second)", rec)
		done <- err
	}()
	for !strings.Contains(rec.stdout(), "started") {
		select {
		case err := <-done:
			t.Fatalf("the cell ended before it was interrupted: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	cancel()
	err := <-done
	var e *Error
	if !errors.As(err, &e) || e.Name != "KeyboardInterrupt" || !strings.Contains(e.Value, "keep running in the background") {
		t.Fatalf("error = %v", err)
	}
	res, _ := run(t, s, "1 + 1")
	if plain(res) != "2" {
		t.Errorf("session after the interrupt: %s", plain(res))
	}
}

// Assigning a native variable from an interpreted cell is refused with a
// clear error (yaegi would refuse or write to the wrong place); ++, field
// assignments and a local variable of the same name are fine.
func TestNativeVarAssign(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	run(t, s, "%%native\nvar Count int\nvar Xs []int\ntype P struct{ A int }\nvar Pt P\nfunc Get() (int, []int, P) { return Count, Xs, Pt }\nfunc SetXs(v []int) { Xs = v }")
	for _, code := range []string{"Count = 3", "x := 1\nXs = append(Xs, x)", "func f() { Pt = P{4} }"} {
		_, _, e := try(t, s, code)
		if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "cannot assign to") {
			t.Errorf("%q: error %+v", code, e)
		}
	}
	res, _ := run(t, s, "Count++\nPt.A = 7\nSetXs([]int{1, 2})\nfunc g() { Count := 5; Count = 6; _ = Count }\ng()\nGet()")
	if plain(res) != "1 [1 2] {7}" {
		t.Errorf("Get() = %s", plain(res))
	}
	run(t, s, "%%native\nfunc Bump() { Count += 10; Xs = append(Xs, 3) }")
	res, _ = run(t, s, "import \"fmt\"\nBump()\nfmt.Sprint(Count, Xs, Pt.A)")
	if plain(res) != `"11 [1 2 3] 7"` {
		t.Errorf("interpreted reads of native variables = %s", plain(res))
	}
}

// Native cells are package main, as in `go run`: their types print as
// main.T, and keep their identity across native cells and in interpreted
// cells (a value made in one native cell is passed to a function of
// another; errors.As, String and generic instantiation across cells).
func TestNativeMainPackage(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	run(t, s, `%%native
import "fmt"

type Point struct{ X, Y int }

func (p Point) String() string { return fmt.Sprintf("(%d, %d)", p.X, p.Y) }

type NotFound struct{ Key string }

func (e *NotFound) Error() string { return "not found: " + e.Key }

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

var Origin = Point{}
`)
	_, rec := run(t, s, `%%native
import (
	"errors"
	"fmt"
)

func Shift(p Point, d int) Point { return Point{p.X + d, p.Y + d} }

func Describe(err error) string {
	var nf *NotFound
	if errors.As(err, &nf) {
		return "missing " + nf.Key
	}
	return "other"
}

func Labels(ps []Point) []string { return Map(ps, Point.String) }

func Wrap(k string) error { return fmt.Errorf("wrapped: %w", &NotFound{k}) }

fmt.Printf("%T %v %T\n", Origin, Shift(Origin, 2), &NotFound{})
`)
	if got := rec.stdout(); got != "main.Point (2, 2) *main.NotFound\n" {
		t.Errorf("native cell 2 printed %q", got)
	}
	res, _ := run(t, s, `import (
	"errors"
	"fmt"
)
p := Shift(Point{1, 2}, 1)
var nf *NotFound
fmt.Sprintf("%T %v %v %v %v %T", p, p, Labels([]Point{p, Origin}), Describe(fmt.Errorf("x: %w", &NotFound{"k"})), errors.As(Wrap("j"), &nf) && nf.Key == "j", nf)`)
	if got := plain(res); got != `"main.Point (2, 3) [(2, 3) (0, 0)] missing k true *main.NotFound"` {
		t.Errorf("interpreted use of two native cells = %s", got)
	}
}
