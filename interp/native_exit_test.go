package interp

import (
	"strings"
	"testing"
	"time"
)

// A panic in a goroutine started by native code fails the running cell,
// whether the go statement calls a function literal or a named function;
// after the cell ended, it is reported on the cell's stderr. The session
// lives on.
func TestNativeGoroutinePanic(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	_, _, e := try(t, s, `%%native
import "sync"

var wg sync.WaitGroup
for i := 0; i < 2; i++ {
	wg.Add(1)
	go func(i int) {
		defer wg.Done()
		if i == 1 {
			panic("worker failed")
		}
	}(i)
}
wg.Wait()
`)
	tb := ""
	if e != nil {
		tb = strings.Join(e.Traceback, "\n")
	}
	if e == nil || e.Name != "panic" || e.Value != "worker failed" || !strings.Contains(tb, "in a goroutine started by native code") || !strings.Contains(tb, "(line 10)") {
		t.Errorf("func literal: error %+v\n%s", e, tb)
	}
	_, _, e = try(t, s, `%%native
import (
	"fmt"
	"time"
)

func Boom(done chan int, x int) {
	defer close(done)
	if x > 0 {
		panic(fmt.Sprint("boom ", x))
	}
}

func Later() {
	go func() {
		time.Sleep(100 * time.Millisecond)
		panic("late")
	}()
}

done := make(chan int)
go Boom(done, 2)
<-done
`)
	if e == nil || e.Name != "panic" || e.Value != "boom 2" {
		t.Errorf("named function: error %+v", e)
	}
	_, rec := run(t, s, "Later()")
	for i := 0; i < 500 && !strings.Contains(rec.stderr(), "late"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := rec.stderr(); !strings.Contains(got, "goroutine started by the cell failed: panic: late") || !strings.Contains(got, "line 18 of native cell [2]") {
		t.Errorf("late panic, stderr = %q", got)
	}
	res, _ := run(t, s, "1 + 1")
	if plain(res) != "2" {
		t.Errorf("session after the panics: %s", plain(res))
	}
}

// os.Exit and log.Fatal in native code fail the cell with an Exit error
// and run no deferred call; the session and its state survive.
func TestNativeExit(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	_, rec, e := try(t, s, `%%native
import (
	"fmt"
	"log"
	"os"
	"time"
)

var Kept = 7

func Quit(code int) { os.Exit(code) }

func Logf(l *log.Logger) { l.Fatalf("n=%d", 4) }

func ExitLater() {
	go func() {
		time.Sleep(100 * time.Millisecond)
		os.Exit(6)
	}()
}

defer fmt.Println("deferred")
fmt.Println("before")
os.Exit(3)
fmt.Println("after")
`)
	if e == nil || e.Name != "Exit" || e.Value != "os.Exit(3) called" {
		t.Errorf("os.Exit: error %+v", e)
	}
	if got := rec.stdout(); got != "before\n" {
		t.Errorf("os.Exit: stdout %q, want only \"before\" (no deferred call, nothing after)", got)
	}
	_, rec, e = try(t, s, `%%native
import "log"

done := make(chan bool)
go func() {
	defer close(done)
	log.SetFlags(0)
	log.Fatal("bad ", 1)
}()
<-done
`)
	if e == nil || e.Name != "Exit" || e.Value != "log.Fatal called: bad 1" {
		t.Errorf("log.Fatal in a goroutine: error %+v", e)
	}
	if !strings.Contains(rec.stderr(), "bad 1\n") {
		t.Errorf("log.Fatal: stderr %q", rec.stderr())
	}
	_, rec, e = try(t, s, "%%native\nimport (\n\t\"log\"\n\t\"os\"\n)\nLogf(log.New(os.Stderr, \"x: \", 0))")
	if e == nil || e.Name != "Exit" || e.Value != "log.Fatal called: n=4" || !strings.Contains(rec.stderr(), "x: n=4\n") {
		t.Errorf("(*log.Logger).Fatalf: error %+v, stderr %q", e, rec.stderr())
	}
	_, _, e = try(t, s, "Quit(5)")
	if e == nil || e.Name != "Exit" || e.Value != "os.Exit(5) called" {
		t.Errorf("native os.Exit called from an interpreted cell: error %+v", e)
	}
	_, rec = run(t, s, "ExitLater()")
	for i := 0; i < 500 && !strings.Contains(rec.stderr(), "os.Exit(6)"); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if got := rec.stderr(); !strings.Contains(got, "exited after the cell ended (the goroutine was stopped): Exit: os.Exit(6) called") {
		t.Errorf("exit after the cell ended: stderr %q", got)
	}
	res, _ := run(t, s, "Kept + 1")
	if plain(res) != "8" {
		t.Errorf("state after the exits: %s", plain(res))
	}
}

// A rewritten go statement keeps Go's semantics: the function value and
// the arguments are evaluated at the statement, with their own types
// (untyped constants, nil, comparisons, variadic and multi-value calls,
// method values, generic functions, builtins).
func TestNativeGoStatements(t *testing.T) {
	s := nativeSession(t, t.TempDir())
	_, rec, e := try(t, s, `%%native
import "fmt"

type B bool

type P struct{ N int }

func (p P) Show(ch chan string) { ch <- fmt.Sprint("P", p.N) }

func half(ch chan string, f float64) { ch <- fmt.Sprint(f / 2) }

func isB(ch chan string, b B) { ch <- fmt.Sprintf("%T %v", b, b) }

func sum(ch chan string, xs ...int) {
	t := 0
	for _, x := range xs {
		t += x
	}
	ch <- fmt.Sprint("sum", t)
}

func two() (chan string, int) { return out, 9 }

func pair(ch chan string, n int) { ch <- fmt.Sprint("pair", n) }

func Gen[T any](ch chan string, v T) { ch <- fmt.Sprintf("%T", v) }

func ptr(ch chan string, p *int) { ch <- fmt.Sprint(p == nil) }

var out = make(chan string)

x := 1
f := func(ch chan string, v int) { ch <- fmt.Sprint("f", v) }
go f(out, x)
p := P{1}
go p.Show(out)
go half(out, 3)
go isB(out, x == 1)
xs := []int{1, 2}
go sum(out, xs...)
go sum(out, x, x, x)
go pair(two())
go Gen(out, x)
go ptr(out, nil)
x = 2
p.N = 2
f = nil
got := map[string]bool{}
for i := 0; i < 9; i++ {
	got[<-out] = true
}
done := make(chan int)
go close(done)
<-done
fmt.Println(len(got), got["f1"], got["P1"], got["1.5"], got["main.B true"], got["sum3"], got["pair9"], got["int"], got["true"])
`)
	if e != nil {
		t.Fatalf("error %+v", e)
	}
	if got := rec.stdout(); got != "8 true true true true true true true true\n" {
		t.Errorf("stdout %q", got)
	}
}
