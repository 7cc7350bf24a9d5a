package main

// The debugger's requests and events across the session process (see
// session_remote.go): requests go to the child as frames, events come back
// as frames, and a fresh child after a fatal error is attached again with
// the breakpoints it had.

import (
	"encoding/json"
	"strings"
)

// DebugRequest is interp.Session.DebugRequest in the session process. A
// session process that is not available answers with a failed response.
func (rs *remoteSession) DebugRequest(request []byte) []byte {
	var req struct {
		Seq       int    `json:"seq"`
		Command   string `json:"command"`
		Arguments struct {
			Source struct {
				Path string `json:"path"`
			} `json:"source"`
		} `json:"arguments"`
	}
	_ = json.Unmarshal(request, &req)
	r, ok := rs.quick(frame{Op: "debug", DAP: request})
	if !ok || len(r.DAP) == 0 {
		b, _ := json.Marshal(map[string]any{"type": "response", "request_seq": req.Seq, "command": req.Command, "success": false,
			"message": "the Go session process is not available (restarting after a fatal error?)", "body": map[string]any{}})
		return b
	}
	rs.mu.Lock()
	switch req.Command {
	case "initialize", "attach":
		if rs.debugReplay == nil {
			rs.debugReplay = map[string][]byte{}
		}
		rs.debugReplay[req.Command] = request
	case "setBreakpoints":
		if rs.debugReplay != nil {
			rs.debugReplay["setBreakpoints "+req.Arguments.Source.Path] = request
		}
	case "disconnect":
		rs.debugReplay = nil
	}
	rs.mu.Unlock()
	return r.DAP
}

// replayDebug sends the debugger's set-up requests to a fresh session
// process (nothing for the first one).
func (c *childProc) replayDebug() {
	defer close(c.replayed)
	c.rs.mu.Lock()
	var reqs [][]byte
	for _, k := range []string{"initialize", "attach"} {
		if r := c.rs.debugReplay[k]; r != nil {
			reqs = append(reqs, r)
		}
	}
	for k, r := range c.rs.debugReplay {
		if strings.HasPrefix(k, "setBreakpoints ") {
			reqs = append(reqs, r)
		}
	}
	c.rs.mu.Unlock()
	for _, r := range reqs {
		select {
		case <-c.call(frame{Op: "debug", DAP: r}):
		case <-c.dead:
			return
		}
	}
}

// SetDebugEvents sets where debug events of the session process go.
func (rs *remoteSession) SetDebugEvents(publish func(event []byte)) {
	rs.mu.Lock()
	rs.events = publish
	rs.mu.Unlock()
}
