//go:build !race

package interp

// Without the race detector: goroutines of go statements and ray tasks
// under yaegi v0.16.1's debugger race inside yaegi (see
// debug_norace_test.go).

import (
	"context"
	"strings"
	"testing"
)

// A goroutine blocked in a channel receive pauses once a value arrives and
// it reaches the end of its loop body (or at once, if it was still running
// its loop body); the cell that sent goes on once it is continued. An
// interrupt while a goroutine is paused ends the cell; the session goes on.
func TestDebugPauseBlockedGoroutine(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	run(t, s, "import \"fmt\"\nch := make(chan int)\nsum := make(chan int, 1)")
	c.attach()
	run(t, s, "go func() {\n\ttotal := 0\n\tfor {\n\t\tv := <-ch\n\t\ttotal += v\n\t\tif v < 0 {\n\t\t\tsum <- total\n\t\t\treturn\n\t\t}\n\t}\n}()")
	var g int64
	for g == 0 {
		g = c.startedThread() // the cell's goroutine, then the go statement's
		if !strings.HasSuffix(c.threadList()[g], "(goroutine)") {
			g = 0
		}
	}
	run(t, s, "ch <- 1") // received: the goroutine is in its loop
	c.req("pause", map[string]any{"threadId": g})
	sent := runAsync(t, s, context.Background(), "ch <- 5")
	ev := c.waitEvent("stopped")
	if ev["reason"] != "pause" || int64(ev["threadId"].(float64)) != g {
		t.Fatalf("stopped %v, want the goroutine %d paused", ev, g)
	}
	frames := c.req("stackTrace", map[string]any{"threadId": g})["stackFrames"].([]any)
	top := frames[0].(map[string]any)
	if top["line"] != float64(3) {
		t.Fatalf("paused at %v, want line 3 (the end of the loop body, at the loop's line)", top)
	}
	// Paused after the 1 (before its next receive) or after the 5.
	vars := c.locals(top)
	if v, total := vars["v"]["value"], vars["total"]["value"]; !(v == "1" && total == "1") && !(v == "5" && total == "6") {
		t.Fatalf("locals %v, want v = 1, total = 1 or v = 5, total = 6", vars)
	}
	c.req("continue", map[string]any{"threadId": g})
	if r := <-sent; r.err != nil {
		t.Fatalf("send: %v", r.err)
	}
	if _, rec := run(t, s, "ch <- 2\nch <- -1\nfmt.Println(<-sum)"); rec.stdout() != "7\n" {
		t.Fatalf("sum: %q", rec.stdout())
	}
	// Paused again, then interrupted.
	run(t, s, "go func() {\n\tfor {\n\t\tv := <-ch\n\t\t_ = v\n\t}\n}()")
	g = 0
	for g == 0 {
		g = c.startedThread()
		if !strings.HasSuffix(c.threadList()[g], "(goroutine)") {
			g = 0
		}
	}
	c.req("pause", map[string]any{"threadId": g})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sent = runAsync(t, s, ctx, "ch <- 1\nch <- 2")
	c.waitEvent("stopped")
	cancel()
	if r := <-sent; r.err == nil || r.err.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted cell: %v", r.err)
	}
	if _, rec := run(t, s, "fmt.Println(\"after\")"); rec.stdout() != "after\n" {
		t.Fatalf("next cell: %q", rec.stdout())
	}
}

// A ray task pauses on its own goroutine; continued, it ends with its
// result.
func TestDebugPauseRayTask(t *testing.T) {
	s := newRaySession(t)
	c := newDAPClient(t, s)
	run(t, s, "import (\n\t\"fmt\"\n\t\"time\"\n)\nray.Init(ray.NumCPUs(2))\nstop := make(chan bool)")
	c.attach()
	// (The sleep lets later cells compile while the task runs.)
	run(t, s, "count := ray.Remote(func() int {\n\tn := 0\n\tfor {\n\t\ttime.Sleep(time.Millisecond)\n\t\tselect {\n\t\tcase <-stop:\n\t\t\treturn n\n\t\tdefault:\n\t\t}\n\t\tn++\n\t}\n})\nref := count.Remote()")
	var task int64
	for task == 0 {
		for g, name := range c.threadList() {
			if strings.HasSuffix(name, "(ray task)") {
				task = g
			}
		}
		if task == 0 {
			c.startedThread()
		}
	}
	pause := func() map[string]any {
		c.req("pause", map[string]any{"threadId": 1}) // every running goroutine: the task
		ev := c.waitEvent("stopped")
		if ev["reason"] != "pause" || int64(ev["threadId"].(float64)) != task {
			t.Fatalf("stopped %v, want the task %d paused", ev, task)
		}
		if th := c.threadList(); !strings.HasSuffix(th[task], "(ray task)") {
			t.Fatalf("threads %v, want the task %d", th, task)
		}
		return c.req("stackTrace", map[string]any{"threadId": task})["stackFrames"].([]any)[0].(map[string]any)
	}
	top := pause()
	if top["line"] == float64(2) { // at the check of the function's body: not yet in the loop
		c.req("continue", map[string]any{"threadId": task})
		c.waitEvent("continued")
		top = pause()
	}
	if top["line"] != float64(3) {
		t.Fatalf("paused at %v, want line 3 (the end of the loop body, at the loop's line)", top)
	}
	if vars := c.locals(top); vars["n"] == nil {
		t.Fatalf("locals %v, want n", vars)
	}
	c.req("continue", map[string]any{"threadId": task})
	if _, rec := run(t, s, "close(stop)\nfmt.Println(ray.Get(ref).(int) > 0)"); rec.stdout() != "true\n" {
		t.Fatalf("task result: %q", rec.stdout())
	}
}
