package main

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// dapCall sends one debug request through the session process and returns
// the response.
func dapCall(t *testing.T, rs *remoteSession, seq int, command string, args map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"seq": seq, "type": "request", "command": command, "arguments": args})
	var r map[string]any
	if err := json.Unmarshal(rs.DebugRequest(b), &r); err != nil || r["success"] != true || r["request_seq"] != float64(seq) {
		t.Fatalf("%s: %v %v", command, r, err)
	}
	body, _ := r["body"].(map[string]any)
	return body
}

// The debugger through the session process: requests go to the child,
// a stopped event comes back while the cell runs, and after the child dies
// the fresh one is attached again with the same breakpoints.
func TestRemoteSessionDebugger(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	events := make(chan map[string]any, 100)
	rs.SetDebugEvents(func(ev []byte) {
		var m map[string]any
		_ = json.Unmarshal(ev, &m)
		events <- m
	})
	waitStopped := func() map[string]any {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev["event"] == "stopped" {
					return ev["body"].(map[string]any)
				}
			case <-timeout:
				t.Fatal("no stopped event")
			}
		}
	}
	dapCall(t, rs, 1, "initialize", map[string]any{"adapterID": "warren"})
	dapCall(t, rs, 2, "attach", nil)
	code := "import \"fmt\"\nv := 6\nfmt.Println(v * 7)"
	path := dapCall(t, rs, 3, "dumpCell", map[string]any{"code": code})["sourcePath"]
	dapCall(t, rs, 4, "setBreakpoints", map[string]any{"source": map[string]any{"path": path}, "breakpoints": []any{map[string]any{"line": 3}}})
	seq := 5
	for round := 0; round < 2; round++ {
		out := &recOutput{}
		done := make(chan error, 1)
		go func() {
			_, err := rs.Execute(context.Background(), fmt.Sprintf("c%d", round), code, out)
			done <- err
		}()
		th := waitStopped()["threadId"]
		frames := dapCall(t, rs, seq, "stackTrace", map[string]any{"threadId": th})["stackFrames"].([]any)
		top := frames[0].(map[string]any)
		if top["line"] != float64(3) || top["source"].(map[string]any)["path"] != path {
			t.Fatalf("round %d: top frame %v", round, top)
		}
		dapCall(t, rs, seq+1, "continue", map[string]any{"threadId": th})
		seq += 2
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if stdout, _ := out.texts(); stdout != "42\n" {
			t.Fatalf("round %d: output %q", round, stdout)
		}
		if round == 0 {
			// Kill the session process; the next one is attached again.
			c, err := rs.child()
			if err != nil {
				t.Fatal(err)
			}
			_ = c.cmd.Process.Kill()
			<-c.dead
			c, err = rs.child()
			if err != nil {
				t.Fatal(err)
			}
			<-c.ready
		}
	}
}
