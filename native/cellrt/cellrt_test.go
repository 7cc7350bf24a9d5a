package cellrt

import (
	"bytes"
	"log"
	"strings"
	"testing"
)

type exited struct {
	code int
	msg  string
}

type recorder struct {
	events []string
	done   []any
}

func (r *recorder) GoStart() Goroutine { r.events = append(r.events, "start"); return r }
func (r *recorder) Enter()             { r.events = append(r.events, "enter") }
func (r *recorder) Done(v any, returned bool, stack []byte) {
	r.events = append(r.events, "done")
	r.done = append(r.done, v, returned, len(stack) > 0)
}
func (r *recorder) Exit(code int, msg string) { panic(exited{code, msg}) }

// exit runs f and returns the exit it made.
func exit(f func()) (e exited) {
	defer func() { e, _ = recover().(exited) }()
	f()
	return
}

func TestHooks(t *testing.T) {
	r := &recorder{}
	SetHooks(r)
	defer ClearHooks(r)

	g := Start()
	func() {
		defer g.Done()
		g.Enter()
		panic("boom")
	}()
	if got := strings.Join(r.events, " "); got != "start enter done" {
		t.Errorf("events %q", got)
	}
	if r.done[0] != "boom" || r.done[1] != false || r.done[2] != true {
		t.Errorf("Done got %v, want boom, not returned, a stack", r.done)
	}

	if e := exit(func() { Exit(3) }); e != (exited{3, "os.Exit(3) called"}) {
		t.Errorf("Exit: %+v", e)
	}
	var buf bytes.Buffer
	l := log.New(&buf, "p: ", log.Lshortfile)
	if e := exit(func() { Logger(l).Fatalf("n=%d", 4) }); e != (exited{1, "log.Fatal called: n=4"}) {
		t.Errorf("Logger.Fatalf: %+v", e)
	}
	// The line logged is the caller's, as with (*log.Logger).Fatalf.
	if got := buf.String(); !strings.HasPrefix(got, "p: cellrt_test.go:") || !strings.HasSuffix(got, ": n=4\n") {
		t.Errorf("logged %q", got)
	}
}

func TestNoHooks(t *testing.T) {
	SetHooks(nil)
	var got any
	func() {
		defer func() { got = recover() }()
		g := Start()
		defer g.Done()
		panic("again")
	}()
	if got != "again" {
		t.Errorf("without hooks, Done re-panicked %v, want again", got)
	}
}
