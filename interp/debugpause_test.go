package interp

import (
	"context"
	"strings"
	"testing"
)

// pause stops a cell's endless loop at its loop body with its variables
// visible; next steps on from there; continue lets it run; pause with
// thread 1 (what JupyterLab sends when no thread is stopped) stops it again;
// an interrupt ends the cell and the session goes on.
func TestDebugPauseEndlessLoop(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	if r := c.try("pause", map[string]any{"threadId": 1}); r["success"] != false || !strings.Contains(r["message"].(string), "no running goroutine") {
		t.Fatalf("pause with nothing running: %v", r)
	}
	code := "func spin(limit int) {\n\ttotal := 0\n\tfor i := 0; ; i++ {\n\t\ttotal += i % limit\n\t}\n}\nspin(7)"
	path := c.breakAt(code)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := runAsync(t, s, ctx, code)
	var log threadLog
	c.threadEvents(&log, func(l *threadLog) bool { return len(l.started) > 0 })
	var cellG int64
	for g := range log.started {
		cellG = g
	}
	pause := func() []any {
		t.Helper()
		c.req("pause", map[string]any{"threadId": cellG})
		ev := c.waitEvent("stopped")
		if ev["reason"] != "pause" || int64(ev["threadId"].(float64)) != cellG {
			t.Fatalf("stopped %v, want a pause of goroutine %d", ev, cellG)
		}
		return c.req("stackTrace", map[string]any{"threadId": cellG})["stackFrames"].([]any)
	}
	frames := pause()
	if top := frames[0].(map[string]any); top["line"] == float64(2) {
		// Paused before the loop: at the check of spin's body, before its
		// first line. Once continued, it is in the loop.
		if top["name"] != "spin" {
			t.Fatalf("paused at %v", top)
		}
		c.req("continue", map[string]any{"threadId": cellG})
		c.waitEvent("continued")
		frames = pause()
	}
	top := frames[0].(map[string]any)
	src, _ := top["source"].(map[string]any)
	if len(frames) != 2 || top["name"] != "spin" || top["line"] != float64(5) || src["path"] != path {
		t.Fatalf("stack %v, want spin at %s:5 (the end of the loop body) and the cell", frames, path)
	}
	if caller := frames[1].(map[string]any); caller["name"] != "cell" || caller["line"] != float64(7) {
		t.Fatalf("caller %v, want the cell's line 7", caller)
	}
	vars := c.locals(top)
	if vars["limit"]["value"] != "7" || vars["i"] == nil || vars["total"] == nil {
		t.Fatalf("locals %v, want limit, i, total", vars)
	}
	// next: the line of the loop body runs, then the loop's post statement.
	c.req("next", map[string]any{"threadId": cellG})
	c.waitEvent("continued")
	thread, frame := c.stopped()
	if int64(thread) != cellG || frame["name"] != "spin" || frame["line"] != float64(3) {
		t.Fatalf("after next: %v on %v, want spin line 3", frame, thread)
	}
	c.req("continue", map[string]any{"threadId": cellG})
	c.waitEvent("continued")
	// JupyterLab's pause: thread 1, no thread stopped.
	c.req("pause", map[string]any{"threadId": 1})
	ev := c.waitEvent("stopped")
	if ev["reason"] != "pause" || int64(ev["threadId"].(float64)) != cellG {
		t.Fatalf("second pause: %v", ev)
	}
	if vars := c.locals(c.req("stackTrace", map[string]any{"threadId": cellG})["stackFrames"].([]any)[0].(map[string]any)); vars["i"]["value"] == "0" {
		t.Fatalf("i = 0 after running on: %v", vars)
	}
	c.req("continue", map[string]any{"threadId": 1})
	cancel()
	if r := <-done; r.err == nil || r.err.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted cell: %q %v", r.out, r.err)
	}
	if _, rec := run(t, s, "import \"fmt\"\nfmt.Println(\"after\")"); rec.stdout() != "after\n" {
		t.Fatalf("next cell: %q", rec.stdout())
	}
	// Detached, the checks compiled in cost a call and pause nothing.
	c.req("disconnect", nil)
	if r := c.try("pause", map[string]any{"threadId": 1}); r["success"] != false {
		t.Fatalf("pause while detached: %v", r)
	}
}
