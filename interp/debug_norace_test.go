//go:build !race

package interp

// These tests run without the race detector only. While yaegi v0.16.1's
// debugger is installed, a function runs on the debug routine of the frame
// it was defined in, not of the goroutine that calls it: a ray task whose function a cell defined shares the cell's routine with
// the cell's own goroutine, and yaegi writes that routine's running flag
// and call depth from both without synchronization (debugger.go, exec and
// enterCall). The debugger itself (debug.go) keys stops by goroutine and is
// race-free; the jupyter_client test (tests/clients/debug_test.py) covers
// ray tasks in the kernel.

import (
	"context"
	"strings"
	"testing"
)

func TestDebugBreakpointInRayTask(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	code := "import \"fmt\"\nsq := ray.Remote(func(x int) int {\n\ty := x * x\n\treturn y + 1\n})\nfmt.Println(ray.Get(sq.Remote(7)))"
	c.breakAt(code, 4)
	done := runAsync(t, s, context.Background(), code)
	thread, frame := c.stopped()
	if frame["line"] != float64(4) {
		t.Fatalf("frame %v, want line 4", frame)
	}
	if th := c.threadList(); !strings.Contains(th[int64(thread)], "ray task") {
		t.Fatalf("threads %v, want the ray task's goroutine %v", th, thread)
	}
	if vars := c.locals(frame); vars["x"]["value"] != "7" || vars["y"]["value"] != "49" {
		t.Fatalf("locals %v", vars)
	}
	c.req("continue", map[string]any{"threadId": thread})
	if r := <-done; r.err != nil || r.out != "50\n" {
		t.Fatalf("cell: %q %v", r.out, r.err)
	}
}

func TestDebugBreakpointInGoroutine(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	code := "import \"fmt\"\ndone := make(chan int)\ngo func() {\n\tv := 3\n\tdone <- v * 2\n}()\nfmt.Println(<-done)"
	c.breakAt(code, 5)
	res := runAsync(t, s, context.Background(), code)
	thread, frame := c.stopped()
	if frame["line"] != float64(5) {
		t.Fatalf("frame %v, want line 5", frame)
	}
	if th := c.threadList(); !strings.HasSuffix(th[int64(thread)], "(goroutine)") {
		t.Fatalf("threads %v, want the go statement's goroutine %v", th, thread)
	}
	if vars := c.locals(frame); vars["v"]["value"] != "3" {
		t.Fatalf("locals %v", vars)
	}
	c.req("continue", map[string]any{"threadId": thread})
	if r := <-res; r.err != nil || r.out != "6\n" {
		t.Fatalf("cell: %q %v", r.out, r.err)
	}
}

func TestDebugInterruptStoppedTask(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	code := "import \"fmt\"\nsq := ray.Remote(func(x int) int {\n\ty := x * x\n\treturn y\n})\nfmt.Println(ray.Get(sq.Remote(3)))"
	c.breakAt(code, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := runAsync(t, s, ctx, code)
	c.stopped()
	cancel()
	if r := <-res; r.err == nil || r.err.Name != "KeyboardInterrupt" || r.out != "" {
		t.Fatalf("interrupted cell: %q %v", r.out, r.err)
	}
	c.req("disconnect", nil)
	if _, rec := run(t, s, "fmt.Println(ray.Get(sq.Remote(4)))"); rec.stdout() != "16\n" {
		t.Fatalf("next cell: %q", rec.stdout())
	}
}
