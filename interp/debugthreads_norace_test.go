//go:build !race

package interp

// Without the race detector: goroutines of go statements and ray tasks
// under yaegi v0.16.1's debugger race inside yaegi (see
// debug_norace_test.go).

import (
	"context"
	"fmt"
	"sort"
	"testing"
)

// While a debugger is attached, the goroutines of go statements and of a
// cell's statement chunks are reported started and exited, once each, and
// threads lists the live ones. Detached, nothing is reported.
func TestDebugThreadEvents(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	run(t, s, "import (\n\t\"fmt\"\n\t\"sync\"\n\t\"time\"\n)\nvar wg sync.WaitGroup\nblock := make(chan int)")
	var first threadLog // the statement chunk's goroutine
	c.threadEvents(&first, func(l *threadLog) bool { return len(l.started) == 1 && len(l.exited) == 1 })
	// The statement chunk's goroutine and the four goroutines are threads.
	run(t, s, "for i := 0; i < 3; i++ {\n\twg.Add(1)\n\tgo func() { defer wg.Done() }()\n}\nwg.Wait()\ngo func() { <-block }()")
	var log threadLog
	c.threadEvents(&log, func(l *threadLog) bool { return len(l.started) == 5 && len(l.exited) == 4 })
	var blocked int64
	for g, n := range log.started {
		if n != 1 || log.exited[g] > 1 {
			t.Fatalf("goroutine %d: %d started, %d exited events: %v", g, n, log.exited[g], log.order)
		}
		if log.exited[g] == 0 {
			blocked = g
		}
	}
	for g := range log.exited {
		if log.started[g] == 0 {
			t.Fatalf("goroutine %d exited without starting: %v", g, log.order)
		}
	}
	// The goroutine still blocked is listed, as a go statement's.
	if th := c.threadList(); len(th) != 1 || th[blocked] != fmt.Sprintf("goroutine %d (goroutine)", blocked) {
		t.Fatalf("threads %v, want the blocked goroutine %d", th, blocked)
	}
	// A statement chunk's goroutine is listed as the cell's while it runs.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := runAsync(t, s, ctx, "close(block)\nfor {\n\ttime.Sleep(time.Millisecond)\n}")
	var cellG int64
	c.threadEvents(&log, func(l *threadLog) bool {
		for g := range l.started {
			if g != blocked && l.exited[g] == 0 {
				cellG = g
			}
		}
		return log.exited[blocked] == 1 && cellG != 0
	})
	if th := c.threadList(); len(th) != 1 || th[cellG] != fmt.Sprintf("goroutine %d (cell)", cellG) {
		t.Fatalf("threads %v, want the running cell's goroutine %d", th, cellG)
	}
	cancel()
	if r := <-res; r.err == nil || r.err.Name != "KeyboardInterrupt" {
		t.Fatalf("cell: %v", r.err)
	}
	c.threadEvents(&log, func(l *threadLog) bool { return l.exited[cellG] == 1 })
	c.req("disconnect", nil)
	run(t, s, "ran := make(chan bool)\ngo func() { ran <- true }()\nfmt.Println(<-ran)")
	select {
	case ev := <-c.events:
		if ev["event"] == "thread" {
			t.Fatalf("thread event while detached: %v", ev)
		}
	default:
	}
	ids := make([]int64, 0, len(log.started))
	for g := range log.started {
		ids = append(ids, g)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	t.Logf("threads seen: %v", ids)
}

// A ray task's worker goroutine is one thread from the start of the task to
// its end, also when it blocks in ray.Get in between.
func TestDebugThreadEventsOfRayTasks(t *testing.T) {
	s := newRaySession(t)
	c := newDAPClient(t, s)
	run(t, s, "import \"fmt\"\nray.Init(ray.NumCPUs(2))")
	c.attach()
	run(t, s, "inner := ray.Remote(func(x int) int { return x + 1 })\nouter := ray.Remote(func(x int) int { return ray.Get(inner.Remote(x)).(int) * 2 })")
	var log threadLog
	c.threadEvents(&log, func(l *threadLog) bool { return len(l.exited) == 1 })
	log = threadLog{}
	if _, rec := run(t, s, "fmt.Println(ray.Get(outer.Remote(4)))"); rec.stdout() != "10\n" {
		t.Fatalf("cell: %q", rec.stdout())
	}
	// The cell's goroutine, outer's and inner's.
	c.threadEvents(&log, func(l *threadLog) bool { return len(l.exited) == 3 })
	for g, n := range log.started {
		if n != 1 || log.exited[g] != 1 {
			t.Fatalf("goroutine %d: %d started, %d exited events: %v", g, n, log.exited[g], log.order)
		}
	}
	if len(log.started) != 3 {
		t.Fatalf("thread events %v, want 3 goroutines", log.order)
	}
}
