package interp

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A panic in a goroutine the cell started fails the cell, even when the
// cell would otherwise wait for ever (a Go program dies at such a panic).
func TestGoroutinePanicFailsCell(t *testing.T) {
	s := newSession(t)
	done := make(chan struct{})
	var e *Error
	go func() {
		defer close(done)
		_, _, e = try(t, s, "import \"fmt\"\nfmt.Println(\"before\")\nch := make(chan int)\ngo func() {\n\tvar m map[string]int\n\tm[\"x\"] = 1\n}()\n<-ch\nfmt.Println(\"not reached\")")
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the cell did not end after its goroutine panicked")
	}
	if e == nil || e.Name != "runtime.Error" || !strings.Contains(e.Value, "nil map") {
		t.Fatalf("cell error = %#v", e)
	}
	tb := strings.Join(e.Traceback, "\n")
	// (yaegi places a panic at the first statement of the function.)
	if !strings.Contains(tb, "in a goroutine started by the cell") || !strings.Contains(tb, "(line 5:") {
		t.Errorf("traceback does not point at the goroutine's line:\n%s", tb)
	}
	// The session goes on.
	res, _ := run(t, s, "x := 2\nx * 3")
	if plain(res) != "6" {
		t.Errorf("next cell = %v", res)
	}
}

// A goroutine panicking after its cell ended is reported under that cell.
// The goroutine panics when a later cell tells it to (it polls with
// time.Sleep, which lets cells compile; see holders.go), so the first cell
// has surely ended.
func TestGoroutinePanicAfterCell(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, "import (\"sync/atomic\"; \"time\")\nvar release atomic.Bool\ngo func() {\n\tfor !release.Load() {\n\t\ttime.Sleep(time.Millisecond)\n\t}\n\tpanic(\"late\")\n}()")
	_, rec2 := run(t, s, "release.Store(true)")
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(rec.stderr(), "late") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(rec.stderr(), "goroutine started by the cell failed: panic: late") {
		t.Errorf("first cell's stderr = %q", rec.stderr())
	}
	if strings.Contains(rec2.stderr(), "late") {
		t.Errorf("reported under the later cell: %q", rec2.stderr())
	}
	res, _ := run(t, s, "1 + 2")
	if plain(res) != "3" {
		t.Errorf("next cell = %v", res)
	}
}

func TestGoexit(t *testing.T) {
	s := newSession(t)
	_, rec, e := try(t, s, "import (\"fmt\"; \"runtime\")\nfmt.Println(\"a\")\nruntime.Goexit()\nfmt.Println(\"b\")")
	if e == nil || e.Name != "Goexit" || rec.stdout() != "a\n" {
		t.Errorf("top-level Goexit: error %#v, stdout %q", e, rec.stdout())
	}
	// In a cell that ends with a value too.
	_, _, e = try(t, s, "x := 1\nruntime.Goexit()\nx")
	if e == nil || e.Name != "Goexit" {
		t.Errorf("Goexit before a trailing value: %#v", e)
	}
	// In a goroutine, Goexit ends that goroutine only, as in Go.
	_, rec = run(t, s, "import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tfmt.Println(\"in\")\n\truntime.Goexit()\n\tfmt.Println(\"after\")\n}()\nwg.Wait()\nfmt.Println(\"done\")")
	if rec.stdout() != "in\ndone\n" {
		t.Errorf("Goexit in a goroutine: stdout %q", rec.stdout())
	}
}

// Goroutine output goes to the cell that started the goroutine.
func TestGoroutineOutputRouting(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, "import (\"fmt\"; \"time\")\nfor i := 0; i < 2; i++ {\n\tgo func() {\n\t\ttime.Sleep(100 * time.Millisecond)\n\t\tfmt.Println(\"from goroutine\", i)\n\t}()\n}")
	_, rec2 := run(t, s, "time.Sleep(300 * time.Millisecond)")
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(rec.stdout(), "from goroutine") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.Contains(rec.stdout(), "from goroutine 0") || !strings.Contains(rec.stdout(), "from goroutine 1") || rec2.stdout() != "" {
		t.Errorf("first cell %q, second cell %q", rec.stdout(), rec2.stdout())
	}
}

// Untyped constants passed by a go statement convert to the parameter's
// type, whether the cell or an earlier one declared them.
func TestGoStatementConstants(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"sync\")\nconst N = 5\nfunc f(x float64, y float32, wg *sync.WaitGroup) { fmt.Println(x, y); wg.Done() }")
	_, rec := run(t, s, "const M = 2\nvar wg sync.WaitGroup\nwg.Add(2)\ngo f(N, M, &wg)\nv := 1.5\ngo f(v, 2.5, &wg)\nwg.Wait()")
	if got := rec.stdout(); got != "5 2\n1.5 2.5\n" && got != "1.5 2.5\n5 2\n" {
		t.Errorf("stdout %q", got)
	}
}

// A go statement calling a method of a compiled type (a method value of
// which yaegi v0.16.1 types wrongly), as `go server.Serve(listener)` does.
func TestGoStatementCompiledMethod(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, "import \"sync\"\nonce := &sync.Once{}\nch := make(chan int, 1)\ngo once.Do(func() { ch <- 42 })\n<-ch")
	if plain(res) != "42" {
		t.Errorf("result %v", res)
	}
}

// go f(g()) with g returning several values (declared in the cell).
func TestGoStatementMultiValueArgument(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, "import \"fmt\"\nfunc pair() (int, string) { return 4, \"x\" }\nch := make(chan string, 1)\nsend := func(n int, s string) { ch <- fmt.Sprint(n, s) }\ngo send(pair())\n<-ch")
	if plain(res) != `"4x"` {
		t.Errorf("result %v", res)
	}
}

// The function value of a go statement is evaluated at the statement.
func TestGoStatementFunctionValue(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, "ch := make(chan int, 1)\nrelease := make(chan bool)\nfn := func() { <-release; ch <- 1 }\ngo fn()\nfn = func() { <-release; ch <- 2 }\nclose(release)\n<-ch")
	if plain(res) != "1" {
		t.Errorf("result %v", res)
	}
}

// go x.M(a) with x's type declared in a cell: x is evaluated at the go
// statement (copied for a value receiver), as Go does.
func TestGoStatementReceiver(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"sync\"\ntype acc struct{ n int }\nfunc (a acc) report(ch chan int, wg *sync.WaitGroup) { ch <- a.n; wg.Done() }\nfunc (a *acc) add(k float64, wg *sync.WaitGroup) { a.n += int(k); wg.Done() }")
	res, _ := run(t, s, "var wg sync.WaitGroup\nch := make(chan int, 1)\na := acc{1}\nwg.Add(1)\ngo a.report(ch, &wg)\na = acc{5}\nwg.Wait()\nwg.Add(1)\ngo a.add(2, &wg)\nwg.Wait()\n[]int{<-ch, a.n}")
	if plain(res) != "[1 7]" {
		t.Errorf("result %v", res)
	}
}

// An interrupt while a goroutine of an earlier cell sleeps ends that
// goroutine quietly; the session goes on. (It used to end the process: yaegi
// runs no interpreted deferred call after an interrupt, so the go
// statement's recover did not run.)
func TestInterruptSleepingGoroutine(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\n\t\"fmt\"\n\t\"time\"\n)\nstarted := make(chan bool)\ngo func() {\n\tstarted <- true\n\ttime.Sleep(time.Hour)\n\tfmt.Println(\"woke\")\n}()\n<-started")
	ctx, cancel := context.WithCancel(context.Background())
	res := runAsync(t, s, ctx, "time.Sleep(time.Hour)")
	cancel()
	if r := <-res; r.err == nil || r.err.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted cell: %v", r.err)
	}
	if _, rec := run(t, s, "fmt.Println(\"after\")"); rec.stdout() != "after\n" {
		t.Fatalf("next cell: %q", rec.stdout())
	}
}
