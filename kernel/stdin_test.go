package kernel

import (
	"strings"
	"testing"
)

func TestInputRequest(t *testing.T) {
	tk := startKernel(t)

	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "input:name? ", "allow_stdin": true})
	req := tk.recv(tk.stdin)
	if req.Header.MsgType != "input_request" || parentID(req) != id {
		t.Fatalf("stdin got %s with parent %s, want input_request for %s", req.Header.MsgType, parentID(req), id)
	}
	if c := content(req); c["prompt"] != "name? " || c["password"] != false {
		t.Errorf("input_request content %v", c)
	}
	tk.replyTo(tk.stdin, req, "input_reply", map[string]any{"value": "warren"})
	rep := tk.recv(tk.shell)
	if c := content(rep); c["status"] != "ok" {
		t.Fatalf("execute_reply %v", c)
	}
	var result string
	for _, m := range tk.collect(id) {
		if m.Header.MsgType == "execute_result" {
			result, _ = content(m)["data"].(map[string]any)["text/plain"].(string)
		}
	}
	if result != "got:warren" {
		t.Errorf("result %q, want got:warren", result)
	}

	// A client that does not accept input (nbconvert) gets an error, not a hang.
	id = tk.send(tk.shell, "execute_request", map[string]any{"code": "input:x", "allow_stdin": false})
	rep = tk.recv(tk.shell)
	if c := content(rep); c["ename"] != "StdinError" || !strings.Contains(c["evalue"].(string), "allow_stdin") {
		t.Errorf("execute_reply without stdin %v", c)
	}
	tk.collect(id)

	// An interrupt ends the wait for input.
	id = tk.send(tk.shell, "execute_request", map[string]any{"code": "input:wait", "allow_stdin": true})
	if req := tk.recv(tk.stdin); req.Header.MsgType != "input_request" {
		t.Fatalf("stdin got %s", req.Header.MsgType)
	}
	tk.send(tk.control, "interrupt_request", map[string]any{})
	tk.recv(tk.control)
	rep = tk.recv(tk.shell)
	if c := content(rep); c["ename"] != "StdinError" || !strings.Contains(c["evalue"].(string), "canceled") {
		t.Errorf("execute_reply after interrupt %v", c)
	}
	tk.collect(id)

	// A late reply to the abandoned request is dropped, and the next cell
	// still gets its own input.
	tk.replyTo(tk.stdin, req, "input_reply", map[string]any{"value": "stale"})
	id = tk.send(tk.shell, "execute_request", map[string]any{"code": "input:again", "allow_stdin": true})
	req = tk.recv(tk.stdin)
	tk.replyTo(tk.stdin, req, "input_reply", map[string]any{"value": "fresh"})
	tk.recv(tk.shell)
	for _, m := range tk.collect(id) {
		if m.Header.MsgType == "execute_result" {
			if v := content(m)["data"].(map[string]any)["text/plain"]; v != "got:fresh" {
				t.Errorf("result after a stale reply %q", v)
			}
		}
	}
}
