package kernel

import (
	"encoding/json"
	"sync"
	"testing"
)

// debugHandler is a fakeHandler that is a Debugger: it answers each debug
// request with its arguments and emits one event per request.
type debugHandler struct {
	fakeHandler
	mu      sync.Mutex
	publish func([]byte)
}

func (d *debugHandler) SetDebugEvents(publish func([]byte)) {
	d.mu.Lock()
	d.publish = publish
	d.mu.Unlock()
}

func (d *debugHandler) DebugRequest(request []byte) []byte {
	var req map[string]any
	_ = json.Unmarshal(request, &req)
	d.mu.Lock()
	publish := d.publish
	d.mu.Unlock()
	ev, _ := json.Marshal(map[string]any{"seq": 1, "type": "event", "event": "stopped", "body": map[string]any{"threadId": 7}})
	publish(ev)
	reply, _ := json.Marshal(map[string]any{"type": "response", "request_seq": req["seq"], "command": req["command"], "success": true,
		"body": map[string]any{"echo": req["arguments"]}})
	return reply
}

func TestKernelDebugRequest(t *testing.T) {
	tk := startKernelConfig(t, Config{Handler: &debugHandler{}})
	tk.send(tk.shell, "kernel_info_request", map[string]any{})
	if c := content(tk.recv(tk.shell)); c["debugger"] != true {
		t.Errorf("kernel_info debugger = %v, want true", c["debugger"])
	}
	id := tk.send(tk.control, "debug_request", map[string]any{"seq": 3, "type": "request", "command": "stackTrace", "arguments": map[string]any{"threadId": 7}})
	rep := tk.recv(tk.control)
	c := content(rep)
	if rep.Header.MsgType != "debug_reply" || parentID(rep) != id || c["request_seq"] != 3.0 || c["command"] != "stackTrace" ||
		c["body"].(map[string]any)["echo"].(map[string]any)["threadId"] != 7.0 {
		t.Fatalf("debug_reply %s %v", rep.Header.MsgType, c)
	}
	var ev *Message
	for _, m := range tk.collect(id) {
		if m.Header.MsgType == "debug_event" {
			ev = m
		}
	}
	if ev == nil || content(ev)["event"] != "stopped" || content(ev)["body"].(map[string]any)["threadId"] != 7.0 {
		t.Fatalf("no debug_event with the request as parent")
	}
}

func TestKernelWithoutDebugger(t *testing.T) {
	tk := startKernel(t)
	tk.send(tk.shell, "kernel_info_request", map[string]any{})
	if c := content(tk.recv(tk.shell)); c["debugger"] != false {
		t.Errorf("kernel_info debugger = %v, want false", c["debugger"])
	}
}
