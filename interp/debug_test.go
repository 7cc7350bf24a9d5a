package interp

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// dapClient drives a Session's debugger as JupyterLab does.
type dapClient struct {
	t      *testing.T
	s      *Session
	seq    int
	events chan map[string]any
}

func newDAPClient(t *testing.T, s *Session) *dapClient {
	c := &dapClient{t: t, s: s, events: make(chan map[string]any, 100)}
	s.SetDebugEvents(func(ev []byte) {
		var m map[string]any
		if err := json.Unmarshal(ev, &m); err != nil {
			t.Errorf("event is not JSON: %v", err)
			return
		}
		c.events <- m
	})
	return c
}

// req sends a request and returns the response body; it fails the test
// unless the response reports success.
func (c *dapClient) req(command string, args map[string]any) map[string]any {
	c.t.Helper()
	r := c.try(command, args)
	if r["success"] != true {
		c.t.Fatalf("%s: %v", command, r)
	}
	body, _ := r["body"].(map[string]any)
	return body
}

func (c *dapClient) try(command string, args map[string]any) map[string]any {
	c.t.Helper()
	c.seq++
	b, _ := json.Marshal(map[string]any{"seq": c.seq, "type": "request", "command": command, "arguments": args})
	var r map[string]any
	if err := json.Unmarshal(c.s.DebugRequest(b), &r); err != nil {
		c.t.Fatalf("%s: reply is not JSON: %v", command, err)
	}
	if r["request_seq"] != float64(c.seq) || r["command"] != command || r["type"] != "response" {
		c.t.Fatalf("%s: reply %v", command, r)
	}
	return r
}

// waitEvent returns the next event named name, skipping others.
func (c *dapClient) waitEvent(name string) map[string]any {
	c.t.Helper()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case ev := <-c.events:
			if ev["event"] == name {
				body, _ := ev["body"].(map[string]any)
				return body
			}
		case <-timeout:
			c.t.Fatalf("no %s event", name)
		}
	}
}

func (c *dapClient) attach() {
	c.req("initialize", map[string]any{"clientID": "test", "adapterID": "warren", "linesStartAt1": true, "columnsStartAt1": true, "pathFormat": "path"})
	c.req("attach", map[string]any{})
	c.waitEvent("initialized")
	c.req("configurationDone", nil)
}

// breakAt dumps code and sets breakpoints on lines; it returns the path.
func (c *dapClient) breakAt(code string, lines ...int) string {
	c.t.Helper()
	path := c.req("dumpCell", map[string]any{"code": code})["sourcePath"].(string)
	var bps []map[string]any
	for _, l := range lines {
		bps = append(bps, map[string]any{"line": l})
	}
	body := c.req("setBreakpoints", map[string]any{"source": map[string]any{"path": path}, "breakpoints": bps, "sourceModified": false})
	if got := len(body["breakpoints"].([]any)); got != len(lines) {
		c.t.Fatalf("setBreakpoints: %d breakpoints in reply, want %d", got, len(lines))
	}
	return path
}

// stopped waits for a stopped event and returns the thread and its top
// frame.
func (c *dapClient) stopped() (thread float64, frame map[string]any) {
	c.t.Helper()
	ev := c.waitEvent("stopped")
	thread = ev["threadId"].(float64)
	frames := c.req("stackTrace", map[string]any{"threadId": thread})["stackFrames"].([]any)
	if len(frames) == 0 {
		c.t.Fatalf("no frames")
	}
	return thread, frames[0].(map[string]any)
}

// locals returns the variables of the frame's first scope, by name.
func (c *dapClient) locals(frame map[string]any) map[string]map[string]any {
	c.t.Helper()
	scopes := c.req("scopes", map[string]any{"frameId": frame["id"]})["scopes"].([]any)
	ref := scopes[0].(map[string]any)["variablesReference"]
	out := map[string]map[string]any{}
	for _, v := range c.req("variables", map[string]any{"variablesReference": ref})["variables"].([]any) {
		m := v.(map[string]any)
		out[m["name"].(string)] = m
	}
	return out
}

func (c *dapClient) children(v map[string]any) map[string]string {
	c.t.Helper()
	out := map[string]string{}
	for _, x := range c.req("variables", map[string]any{"variablesReference": v["variablesReference"]})["variables"].([]any) {
		m := x.(map[string]any)
		out[m["name"].(string)] = m["value"].(string)
	}
	return out
}

// runAsync executes code in the background; the result arrives on the
// returned channel.
type cellResult struct {
	out, stderr string
	err         *Error
}

func runAsync(t *testing.T, s *Session, ctx context.Context, code string) <-chan cellResult {
	ch := make(chan cellResult, 1)
	go func() {
		_, rec, err := tryCtx(ctx, t, s, code)
		ch <- cellResult{rec.stdout(), rec.stderr(), err}
	}()
	return ch
}

func TestDebugBreakpointInCell(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	info := c.req("debugInfo", nil)
	if info["hashMethod"] != "Murmur2" || info["tmpFileSuffix"] != ".go" {
		t.Fatalf("debugInfo: %v", info)
	}
	code := "import \"fmt\"\ntype point struct{ X, Y int }\nfunc work(n int) int {\n\ttotal := n * 2\n\tp := point{n, total}\n\tnums := []int{1, 2, 3}\n\ttotal += p.Y + len(nums)\n\treturn total\n}\nfmt.Println(work(20))\nfmt.Println(\"done\")"
	path := c.breakAt(code, 5)
	if want := info["tmpFilePrefix"].(string) + fmt.Sprint(murmur2([]byte(code), hashSeed)) + ".go"; path != want {
		t.Fatalf("dumpCell path %s, want %s", path, want)
	}
	done := runAsync(t, s, context.Background(), code)
	thread, frame := c.stopped()
	src, _ := frame["source"].(map[string]any)
	if frame["line"] != float64(5) || src["path"] != path || frame["name"] != "work" {
		t.Fatalf("top frame %v, want work at %s:5", frame, path)
	}
	all := c.req("stackTrace", map[string]any{"threadId": thread})["stackFrames"].([]any)
	if len(all) != 2 || all[1].(map[string]any)["name"] != "cell" || all[1].(map[string]any)["line"] != float64(10) {
		t.Fatalf("stack %v, want work and its caller, the cell's line 10", all)
	}
	if th := c.req("threads", nil)["threads"].([]any); len(th) != 1 || th[0].(map[string]any)["id"] != thread {
		t.Fatalf("threads %v, want the stopped goroutine %v", th, thread)
	}
	if st := c.req("debugInfo", nil)["stoppedThreads"].([]any); len(st) != 1 || st[0] != thread {
		t.Fatalf("stoppedThreads %v", st)
	}
	vars := c.locals(frame)
	if vars["n"]["value"] != "20" || vars["total"]["value"] != "40" {
		t.Fatalf("locals %v, want n=20 total=40", vars)
	}
	c.req("next", map[string]any{"threadId": thread})
	c.waitEvent("continued")
	thread, frame = c.stopped()
	if frame["line"] != float64(6) {
		t.Fatalf("after next: line %v, want 6", frame["line"])
	}
	vars = c.locals(frame)
	if p := c.children(vars["p"]); p["X"] != "20" || p["Y"] != "40" {
		t.Fatalf("p's fields %v, want X=20 Y=40", p)
	}
	c.req("next", map[string]any{"threadId": thread})
	thread, frame = c.stopped()
	vars = c.locals(frame)
	if got := c.children(vars["nums"]); got["2"] != "3" || vars["nums"]["value"] != "[1 2 3]" {
		t.Fatalf("nums %v %v", vars["nums"], got)
	}
	if ev := c.req("evaluate", map[string]any{"expression": "p.Y", "frameId": frame["id"], "context": "hover"}); ev["result"] != "40" {
		t.Fatalf("evaluate p.Y: %v", ev)
	}
	c.req("continue", map[string]any{"threadId": thread})
	r := <-done
	if r.err != nil || r.out != "83\ndone\n" {
		t.Fatalf("cell: %q %v", r.out, r.err)
	}
	// The same cell run again stops at a top-level line (the breakpoints of
	// its path replaced), on the cell's goroutine.
	c.breakAt(code, 10)
	done = runAsync(t, s, context.Background(), code)
	thread, frame = c.stopped()
	if frame["line"] != float64(10) || frame["name"] != "cell" {
		t.Fatalf("top frame %v, want cell line 10", frame)
	}
	if th := c.req("threads", nil)["threads"].([]any)[0].(map[string]any); th["id"] != thread || th["name"] != fmt.Sprintf("goroutine %v (cell)", thread) {
		t.Fatalf("thread %v, want the cell's goroutine", th)
	}
	c.req("disconnect", map[string]any{"restart": false, "terminateDebuggee": false})
	if r := <-done; r.err != nil || r.out != "83\ndone\n" {
		t.Fatalf("cell after disconnect: %q %v", r.out, r.err)
	}
	if _, rec := run(t, s, code); rec.stdout() != "83\ndone\n" {
		t.Fatalf("after disconnect: %q", rec.stdout())
	}
}

func TestDebugInterruptWhileStopped(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	code := "import \"fmt\"\na := 1\nb := a + 1\nfmt.Println(\"reached\", b)\nfmt.Println(\"end\")"
	c.breakAt(code, 4)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := runAsync(t, s, ctx, code)
	_, frame := c.stopped()
	if vars := c.locals(frame); vars["b"]["value"] != "2" {
		t.Fatalf("globals at the top level: %v", vars)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); cancel() }()
	wg.Wait()
	r := <-done
	if r.err == nil || r.err.Name != "KeyboardInterrupt" || strings.Contains(r.out, "reached") || r.stderr != "" {
		t.Fatalf("interrupted cell: %q %q %v", r.out, r.stderr, r.err)
	}
	c.req("disconnect", nil)
	if _, rec := run(t, s, "fmt.Println(b * 10)"); rec.stdout() != "20\n" {
		t.Fatalf("next cell: %q", rec.stdout())
	}
}

func TestDebugEarlierCellsAndSteps(t *testing.T) {
	s := newSession(t)
	fnCode := "func add(a, b int) int {\n\tsum := a + b\n\treturn sum\n}"
	run(t, s, fnCode)
	run(t, s, "mk := func() func() int { c := 0; return func() int { c++; return c } }\nnext := mk()")
	c := newDAPClient(t, s)
	c.attach()
	// A function value made before the debugger was attached fails clearly;
	// made again, it works.
	if _, _, err := try(t, s, "next()"); err == nil || err.Name != "DebuggerLimit" {
		t.Fatalf("closure made before attach: %v, want DebuggerLimit", err)
	}
	run(t, s, "mk = func() func() int { c := 10; return func() int { c++; return c } }\nnext = mk()")
	if res, _ := run(t, s, "next() + next()"); plain(res) != "23" {
		t.Fatalf("closure made after attach: %v", res)
	}
	// A breakpoint in a function of a cell run before the debugger was
	// attached; stepIn into it and stepOut of it.
	c.breakAt(fnCode, 3)
	code := "import \"fmt\"\nx := add(1, 2)\nfmt.Println(x)"
	c.breakAt(code, 2)
	done := runAsync(t, s, context.Background(), code)
	thread, frame := c.stopped()
	if frame["name"] != "cell" || frame["line"] != float64(2) {
		t.Fatalf("first stop %v, want the cell's line 2", frame)
	}
	c.req("stepIn", map[string]any{"threadId": thread})
	thread, frame = c.stopped()
	if frame["name"] != "add" || frame["line"] != float64(2) {
		t.Fatalf("after stepIn %v, want add line 2", frame)
	}
	if vars := c.locals(frame); vars["a"]["value"] != "1" || vars["b"]["value"] != "2" {
		t.Fatalf("add's locals %v", vars)
	}
	c.req("continue", map[string]any{"threadId": thread})
	thread, frame = c.stopped()
	if frame["name"] != "add" || frame["line"] != float64(3) {
		t.Fatalf("breakpoint in add: %v, want line 3", frame)
	}
	if vars := c.locals(frame); vars["sum"]["value"] != "3" {
		t.Fatalf("sum %v", vars["sum"])
	}
	c.req("stepOut", map[string]any{"threadId": thread})
	thread, frame = c.stopped()
	if frame["name"] != "cell" || frame["line"] != float64(2) {
		t.Fatalf("after stepOut %v, want the cell's line 2", frame)
	}
	c.req("continue", map[string]any{"threadId": thread})
	if r := <-done; r.err != nil || r.out != "3\n" {
		t.Fatalf("cell: %q %v", r.out, r.err)
	}
}

// BenchmarkDebugger measures interpreted code with the debugger on
// (yaegi's debug loop, no breakpoint hit), never on, and turned off again,
// for a function defined before the debugger was attached; and for one
// defined while it was attached (with pause checks, debugpause.go), run
// attached (on-defined) and after it was turned off (off-defined).
func BenchmarkDebugger(b *testing.B) {
	req := func(s *Session, cmd string) {
		s.DebugRequest([]byte(`{"seq":1,"type":"request","command":"` + cmd + `"}`))
	}
	const fib = "func fib(n int) int { if n < 2 { return n }; return fib(n-1) + fib(n-2) }"
	for _, mode := range []string{"off", "on", "off-again", "on-defined", "off-defined"} {
		b.Run(mode, func(b *testing.B) {
			s := newSession(b)
			s.SetDebugEvents(func([]byte) {})
			defined := strings.HasSuffix(mode, "-defined")
			if !defined {
				run(b, s, fib)
			}
			if mode != "off" {
				req(s, "initialize")
				req(s, "attach")
				run(b, s, "_ = 1")
			}
			if defined {
				run(b, s, fib)
				run(b, s, "_ = fib(2)")
			}
			if strings.HasPrefix(mode, "off-") {
				req(s, "disconnect")
			}
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				run(b, s, "_ = fib(22)")
			}
			// CPU time: steadier than the wall time on a shared machine.
			b.ReportMetric(float64(cpuTime()-c0)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}

func TestDebugValues(t *testing.T) {
	type inner struct{ A int }
	m := map[string]int{"b": 2, "a": 1}
	long := make([]int, 150)
	for _, tc := range []struct {
		v        any
		text     string
		children string
	}{
		{42, "42", ""},
		{"hi", `"hi"`, ""},
		{time.Second, "1s", ""}, // a compiled type's String method
		{m, "map[a:1 b:2]", `"a"=1 "b"=2`},
		{&inner{7}, "&{7}", "A=7"},
		{[]string{"x", "y"}, "[x y]", `0="x" 1="y"`},
		{(*inner)(nil), "<nil>", ""},
	} {
		v := reflect.ValueOf(tc.v)
		if got := formatValue(v); got != tc.text {
			t.Errorf("formatValue(%#v) = %q, want %q", tc.v, got, tc.text)
		}
		var kids []string
		for _, c := range children(v) {
			kids = append(kids, c.name+"="+formatValue(c.v))
		}
		if got := strings.Join(kids, " "); got != tc.children {
			t.Errorf("children(%#v) = %q, want %q", tc.v, got, tc.children)
		}
	}
	if n := len(children(reflect.ValueOf(long))); n != maxChildren {
		t.Errorf("children of 150 elements: %d, want %d", n, maxChildren)
	}
}

func TestDebugSourcePauseAndInspect(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	code := "import \"fmt\"\ntotal := 5\nfmt.Println(total)"
	path := c.breakAt(code)
	if got := c.req("source", map[string]any{"source": map[string]any{"path": path}})["content"]; got != code {
		t.Fatalf("source: %q", got)
	}
	if r := c.try("pause", map[string]any{"threadId": 1}); r["success"] != false || !strings.Contains(r["message"].(string), "no running goroutine") {
		t.Fatalf("pause: %v", r)
	}
	if m := c.req("modules", nil); len(m["modules"].([]any)) != 0 || m["totalModules"] != float64(0) {
		t.Fatalf("modules: %v", m)
	}
	run(t, s, code)
	vars := c.req("inspectVariables", nil)["variables"].([]any)
	found := false
	for _, v := range vars {
		m := v.(map[string]any)
		found = found || (m["name"] == "total" && m["value"] == "5" && m["type"] == "int")
	}
	if !found {
		t.Fatalf("inspectVariables: %v, want total = 5", vars)
	}
}

// Turning the debugger off uninstalls yaegi's debugger at the next cell (the
// fast interpreter loop again); turning it on again works.
func TestDebugDetachAndAttachAgain(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	code := "import \"fmt\"\nq := 2\nfmt.Println(q + 1)"
	for round := 0; round < 2; round++ {
		c.attach()
		c.breakAt(code, 3)
		done := runAsync(t, s, context.Background(), code)
		thread, frame := c.stopped()
		if frame["line"] != float64(3) || interpDebugger(s.i) == nil {
			t.Fatalf("round %d: stop %v", round, frame)
		}
		c.req("continue", map[string]any{"threadId": thread})
		if r := <-done; r.err != nil || r.out != "3\n" {
			t.Fatalf("round %d: cell %q %v", round, r.out, r.err)
		}
		c.req("disconnect", nil)
		if _, rec := run(t, s, code); rec.stdout() != "3\n" || interpDebugger(s.i) != nil {
			t.Fatalf("round %d: after disconnect %q, debugger installed: %v", round, rec.stdout(), interpDebugger(s.i) != nil)
		}
	}
}

func TestDebugBadRequests(t *testing.T) {
	s := newSession(t)
	for _, tc := range []struct{ req, msg string }{
		{"not json", "bad debug request"},
		{`{"seq":4,"type":"request","command":"frobnicate"}`, "frobnicate is not supported"},
		{`{"seq":5,"type":"request","command":"stackTrace","arguments":{"threadId":99}}`, "goroutine 99 is not stopped"},
		{`{"seq":6,"type":"request","command":"variables","arguments":{"variablesReference":12345}}`, "no variables reference"},
		{`{"seq":7,"type":"request","command":"scopes","arguments":"oops"}`, "bad arguments"},
	} {
		var r map[string]any
		if err := json.Unmarshal(s.DebugRequest([]byte(tc.req)), &r); err != nil {
			t.Fatalf("%s: reply is not JSON: %v", tc.req, err)
		}
		if r["success"] != false || !strings.Contains(fmt.Sprint(r["message"]), tc.msg) || r["type"] != "response" {
			t.Errorf("%s: %v, want a failed response saying %q", tc.req, r, tc.msg)
		}
	}
}
