package interp

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A goroutine of a go statement calls interpreted code in a loop while the
// next 50 cells compile (declarations of globals, functions and types):
// under -race, no race inside yaegi, and every cell is right. The goroutine
// sleeps between steps (time.Sleep lets cells compile; see holders.go).
func TestGoroutineCompileWhileRunning(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("sync/atomic"; "time")
var stop atomic.Bool
var steps atomic.Int64
var total int
func step(i int) int {
	m := map[int]int{i: i * 2}
	return m[i] / 2
}
done := make(chan int)
go func() {
	for i := 0; !stop.Load(); i++ {
		total += step(i) - i + 1
		steps.Add(1)
		time.Sleep(time.Millisecond)
	}
	done <- total
}()`)
	for i := 0; i < 50; i++ {
		res, _ := run(t, s, fmt.Sprintf("type T%d struct{ A int }\nvar g%d = %d\nfunc f%d(t T%d) int { return t.A + g%d }\nf%d(T%d{A: %d})", i, i, i, i, i, i, i, i, i))
		if got, want := plain(res), fmt.Sprint(2*i); got != want {
			t.Fatalf("cell %d = %s, want %s", i, got, want)
		}
	}
	res, _ := run(t, s, "n := steps.Load()\nstop.Store(true)\nfinal := <-done\nfinal == int(steps.Load()) && n > 0")
	if plain(res) != "true" {
		t.Errorf("the goroutine's count = %s (want every step counted once)", plain(res))
	}
}

// A goroutine that runs interpreted code without ever blocking keeps cells
// from compiling: the cell fails with CompileBlocked after goWait, naming
// the goroutine, and runs once the goroutine stopped.
func TestGoroutineRunningBlocksCompile(t *testing.T) {
	s := newSession(t)
	run(t, s, `import "sync/atomic"
var stop atomic.Bool
var spins int
go func() {
	for !stop.Load() {
		spins++
	}
}()`)
	_, _, e := try(t, s, "func later() int { return 1 }")
	if e == nil || e.Name != "CompileBlocked" || !strings.Contains(e.Value, "goroutine started by cell[") {
		t.Fatalf("error = %#v", e)
	}
	// A cell that only runs (no declaration) still compiles: statements
	// are compiled too, so it fails the same way.
	if _, _, e := try(t, s, "stop.Store(true)"); e == nil || e.Name != "CompileBlocked" {
		t.Fatalf("statement cell: error = %#v", e)
	}
	// Stopping it from outside the interpreter: interrupt the kernel.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, _, e = tryCtx(ctx, t, s, "func later() int { return 1 }")
	if e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted wait: error = %#v", e)
	}
	res, _ := run(t, s, "func later() int { return 1 }\nlater()")
	if plain(res) != "1" {
		t.Errorf("after the interrupt: %s", plain(res))
	}
}

// A goroutine blocked on a channel that a later cell would feed keeps that
// cell from compiling (it could wake and run at any time): the cell fails
// with CompileBlocked; an interrupt wakes and stops the goroutine, and the
// cell runs then. Feeding it from the same cell works.
func TestHTTPServeWhileCellsCompile(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, `import ("fmt"; "net"; "net/http"; "time")
var hits int
func hello(w http.ResponseWriter, r *http.Request) {
	hits++
	time.Sleep(time.Millisecond)
	fmt.Fprint(w, "hi")
}
l, err := net.Listen("tcp", "127.0.0.1:0")
if err != nil {
	panic(err)
}
go http.Serve(l, http.HandlerFunc(hello))
"http://" + l.Addr().String()`)
	url, _ := strconv.Unquote(plain(res))
	stop := make(chan struct{})
	served := make(chan int)
	go func() {
		n := 0
		defer func() { served <- n }()
		for {
			select {
			case <-stop:
				return
			default:
			}
			resp, err := http.Get(url)
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(b) != "hi" {
				t.Errorf("response %q", b)
				return
			}
			n++
		}
	}()
	for i := 0; i < 20; i++ {
		res, _ := run(t, s, fmt.Sprintf("var v%d = %d\nfunc w%d() int { return v%d + 1 }\nw%d()", i, i, i, i, i))
		if got, want := plain(res), fmt.Sprint(i+1); got != want {
			t.Fatalf("cell %d = %s, want %s", i, got, want)
		}
	}
	close(stop)
	n := <-served
	res, _ = run(t, s, "hits")
	if plain(res) != fmt.Sprint(n) || n == 0 {
		t.Errorf("hits = %s, requests answered = %d", plain(res), n)
	}
}

// After an interrupt, a chunk blocked in compiled code (wg.Wait) that
// ignores the interrupt keeps later cells from compiling until it returns;
// they fail with CompileBlocked (never race with it), and run after it
// returned.
func TestInterruptedChunkBlocksCompile(t *testing.T) {
	s := newSession(t)
	// wg.Done runs on a timer of compiled code 4 s from now.
	run(t, s, `import ("sync"; "time")
var wg sync.WaitGroup
wg.Add(1)
time.AfterFunc(4*time.Second, wg.Done)
var after int
double := func(x int) int { return 2 * x }`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, _, e := tryCtx(ctx, t, s, "wg.Wait()\nafter = 1")
	if e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupt: error = %#v", e)
	}
	_, _, e = try(t, s, "func g() int { return 2 }")
	if e == nil || e.Name != "CompileBlocked" || !strings.Contains(e.Value, "interrupted cell[") {
		t.Fatalf("while blocked: error = %#v", e)
	}
	deadline := time.Now().Add(20 * time.Second) // a hang guard
	for {
		res, _, e := try(t, s, "func g() int { return 2 }\ng()")
		if e == nil {
			if plain(res) != "2" {
				t.Fatalf("after release: %s", plain(res))
			}
			break
		}
		if e.Name != "CompileBlocked" || time.Now().After(deadline) {
			t.Fatalf("after release: error = %#v", e)
		}
	}
	// The stopped chunk did not go on after wg.Wait returned.
	res, _ := run(t, s, "after")
	if plain(res) != "0" {
		t.Errorf("the interrupted cell went on running: after = %s", plain(res))
	}
	// Closures made before the interrupt work again (see reviveRun).
	if res, _ := run(t, s, "double(21)"); plain(res) != "42" {
		t.Errorf("double(21) after the interrupt = %s", plain(res))
	}
}

// A task holding the gate while it waits on a channel that another task
// feeds, when that task reaches Enter only after the next cell began to
// wait for the gate: the waiting compile lets new readers in once no
// reader has left for yieldAfter (gate.go), so the feeder runs, the waiter
// finishes, and the cell compiles — no deadlock until an interrupt.
func TestGateWaiterFedByTaskBehindCompile(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import "time"
ray.Init(ray.NumCPUs(3))
ch := make(chan int)
waiter := ray.Remote(func() int { return <-ch + 1 })
nap := ray.Remote(func() int { time.Sleep(300 * time.Millisecond); return 41 })
feeder := ray.Remote(func(v int) int { ch <- v; return 0 })
w := waiter.Remote()
f := feeder.Remote(nap.Remote())`)
	// The feeder becomes ready 300 ms from now, while this cell waits to
	// compile behind the waiter.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // a hang guard
	defer cancel()
	res, _, e := tryCtx(ctx, t, s, "func later() int { return 1 }\n[]any{ray.Get(w), ray.Get(f), later()}")
	if e != nil {
		t.Fatalf("error = %v (a deadlock ends only with the interrupt)", e)
	}
	if plain(res) != "[42 0 1]" {
		t.Errorf("results = %s", plain(res))
	}
}

// time.AfterFunc's interpreted function holds the gate while it runs:
// timers firing while 20 cells compile are race-free and all counted.
func TestAfterFuncWhileCellsCompile(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("sync/atomic"; "time")
var fired atomic.Int64
var sum int
var tick func()
tick = func() {
	sum += 2
	if fired.Add(1) < 200 {
		time.AfterFunc(time.Millisecond, tick)
	}
}
time.AfterFunc(time.Millisecond, tick)`)
	for i := 0; i < 20; i++ {
		res, _ := run(t, s, fmt.Sprintf("var a%d = %d\nfunc b%d() int { return a%d * 3 }\nb%d()", i, i, i, i, i))
		if got, want := plain(res), fmt.Sprint(3*i); got != want {
			t.Fatalf("cell %d = %s, want %s", i, got, want)
		}
	}
	deadline := time.Now().Add(30 * time.Second) // a hang guard
	for {
		res, _ := run(t, s, "fired.Load() == 200 && sum == 400")
		if plain(res) == "true" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("timers: %s", plain(res))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An http handler blocked (here on a channel) keeps cells from compiling,
// naming it; it is not let go like a goroutine blocked in the compiled
// function its go statement called, since it goes on with interpreted code.
func TestHTTPHandlerBlockedBlocksCompile(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, `import ("net"; "net/http")
hold := make(chan bool)
func slow(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(200)
	w.(http.Flusher).Flush()
	<-hold
}
l, err := net.Listen("tcp", "127.0.0.1:0")
if err != nil {
	panic(err)
}
go http.Serve(l, http.HandlerFunc(slow))
"http://" + l.Addr().String()`)
	url, _ := strconv.Unquote(plain(res))
	resp, err := http.Get(url) // returns with the header: the handler now waits
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	_, _, e := try(t, s, "func later() {}")
	if e == nil || e.Name != "CompileBlocked" || !strings.Contains(e.Value, "a goroutine running an http handler of cell[") {
		t.Fatalf("error = %#v", e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if _, _, e := tryCtx(ctx, t, s, "func later() {}"); e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted wait: error = %#v", e)
	}
	if res, _ := run(t, s, "func later() int { return 5 }\nlater()"); plain(res) != "5" {
		t.Errorf("after the interrupt: %s", plain(res))
	}
}

// A goroutine of a go statement waiting in ray.Get runs no interpreted
// code: cells compile meanwhile (it gives up its hold, as a task does).
func TestGoroutineInRayGetLetsCellsCompile(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import ("sync/atomic"; "time")
ray.Init(ray.NumCPUs(2))
var release atomic.Bool
slow := ray.Remote(func() int {
	for !release.Load() {
		time.Sleep(time.Millisecond)
	}
	return 7
})
got := make(chan any, 1)
go func() { got <- ray.Get(slow.Remote()) }()`)
	// The goroutine waits in Get until this cell, which must compile first,
	// releases the task.
	res, _ := run(t, s, "func later() int { return 1 }\nrelease.Store(true)\n[]any{<-got, later()}")
	if plain(res) != "[7 1]" {
		t.Errorf("results = %s", plain(res))
	}
}
