//go:build !race

package interp

// Without the race detector: goroutines of go statements and ray tasks
// under yaegi v0.16.1's debugger race inside yaegi (see
// debug_norace_test.go).

import (
	"strings"
	"testing"
)

// A goroutine blocked in a channel receive pauses when the value arrives and
// it reaches the end of its loop body; the cell that sent goes on.
func TestDebugPauseBlockedGoroutine(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	run(t, s, "import \"fmt\"\nch := make(chan int)\nsum := make(chan int, 1)")
	c.attach()
	run(t, s, "go func() {\n\ttotal := 0\n\tfor {\n\t\tv := <-ch\n\t\ttotal += v\n\t\tif v < 0 {\n\t\t\tsum <- total\n\t\t\treturn\n\t\t}\n\t}\n}()")
	var g int64
	for g == 0 || c.threadList()[g] == "" {
		g = c.startedThread() // the cell's goroutine, then the go statement's
		if !strings.HasSuffix(c.threadList()[g], "(goroutine)") {
			g = 0
		}
	}
	run(t, s, "ch <- 1") // received: the goroutine is in its loop
	c.req("pause", map[string]any{"threadId": g})
	run(t, s, "ch <- 5")
	ev := c.waitEvent("stopped")
	if ev["reason"] != "pause" || int64(ev["threadId"].(float64)) != g {
		t.Fatalf("stopped %v, want the goroutine %d paused", ev, g)
	}
	frames := c.req("stackTrace", map[string]any{"threadId": g})["stackFrames"].([]any)
	top := frames[0].(map[string]any)
	if top["line"] != float64(3) {
		t.Fatalf("paused at %v, want line 3 (the end of the loop body, at the loop's line)", top)
	}
	if vars := c.locals(top); vars["total"]["value"] != "6" || vars["v"]["value"] != "5" {
		t.Fatalf("locals %v, want total = 6, v = 5", vars)
	}
	c.req("continue", map[string]any{"threadId": g})
	if _, rec := run(t, s, "ch <- 2\nch <- -1\nfmt.Println(<-sum)"); rec.stdout() != "7\n" {
		t.Fatalf("sum: %q", rec.stdout())
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
