package kernel

import (
	"encoding/json"

	"github.com/go-zeromq/zmq4"
)

// A Debugger is a Handler that also serves Jupyter's debugger (the
// Debug Adapter Protocol carried by debug_request, debug_reply and
// debug_event). The kernel only carries the messages: it hands each
// debug_request's content to DebugRequest on the control goroutine and
// publishes what the Debugger emits as debug_event on iopub. A kernel
// whose Handler is a Debugger reports "debugger": true in kernel_info.
type Debugger interface {
	// DebugRequest answers the content of a debug_request (a DAP request,
	// JSON) with the content of its debug_reply (a DAP response, JSON). It
	// must not wait for a running cell: control requests are served in
	// order on one goroutine.
	DebugRequest(request []byte) []byte
	// SetDebugEvents is called once, before the first DebugRequest, with
	// the function that publishes a debug_event whose content is event (a
	// DAP event, JSON). publish is safe for concurrent use.
	SetDebugEvents(publish func(event []byte))
}

// debugRequest answers a debug_request on sock (the control socket).
func (k *Kernel) debugRequest(sock zmq4.Socket, msg *Message) {
	d, ok := k.cfg.Handler.(Debugger)
	if !ok {
		k.logf("debug_request: this kernel has no debugger")
		k.reply(sock, msg, "debug_reply", map[string]any{})
		return
	}
	k.mu.Lock()
	k.debugParent = msg
	k.mu.Unlock()
	k.reply(sock, msg, "debug_reply", json.RawMessage(d.DebugRequest(msg.Content)))
}

// publishDebugEvent publishes a debug_event; its parent is the latest
// debug_request (as ipykernel does).
func (k *Kernel) publishDebugEvent(event []byte) {
	if !json.Valid(event) {
		k.logf("debug_event: not JSON; dropped")
		return
	}
	k.mu.Lock()
	parent, pub := k.debugParent, k.pub
	k.mu.Unlock()
	if pub == nil {
		return
	}
	pub.publish("debug_event", parent, json.RawMessage(event))
}
