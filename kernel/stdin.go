package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// An Inputter asks the user for a line of text. The Output the kernel passes
// to Handler.Execute implements it: Input sends an input_request on the stdin
// channel to the client that sent the execute_request (with that request as
// parent) and waits for its input_reply. A Handler reaches it with a type
// assertion, out.(kernel.Inputter), or an equivalent interface of its own.
type Inputter interface {
	// Input returns the line the user typed, without a trailing newline.
	// It fails with ErrStdinNotAllowed when the request had allow_stdin
	// false, and with the context's error when the cell is interrupted or
	// has finished.
	Input(prompt string, password bool) (string, error)
}

// ErrStdinNotAllowed is returned by Input when the client does not accept
// input requests for the cell (execute_request's allow_stdin is false, as
// with nbconvert).
var ErrStdinNotAllowed = errors.New("kernel: the client does not accept input for this cell (allow_stdin is false)")

// inputs pairs input_requests with their input_reply: at most one request
// is outstanding at a time, kernel-wide.
type inputs struct {
	mu      sync.Mutex // held for a whole request/reply exchange
	pending chan inputReply
	reqID   string // msg_id of the outstanding input_request
	pmu     sync.Mutex
}

type inputReply struct {
	Value string `json:"value"`
}

// handleStdin receives messages from the stdin channel: an input_reply
// answering the outstanding input_request is delivered to it, anything else
// is logged and dropped.
func (k *Kernel) handleStdin(msg *Message) {
	if msg.Header.MsgType != "input_reply" {
		k.logf("stdin: unexpected %s ignored", msg.Header.MsgType)
		return
	}
	var parent Header
	_ = json.Unmarshal(msg.Parent, &parent)
	var r inputReply
	if err := json.Unmarshal(msg.Content, &r); err != nil {
		k.logf("stdin: bad input_reply: %v", err)
		return
	}
	k.in.pmu.Lock()
	ch, id := k.in.pending, k.in.reqID
	k.in.pmu.Unlock()
	if ch == nil || (parent.MsgID != "" && parent.MsgID != id) {
		k.logf("stdin: input_reply to no outstanding request ignored")
		return
	}
	select {
	case ch <- r:
	default:
	}
}

// Input implements Inputter.
func (o *output) Input(prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", ErrStdinNotAllowed
	}
	ctx := o.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	k := o.k
	k.in.mu.Lock()
	defer k.in.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	o.flush() // what the cell printed (a prompt) shows before the input box
	m, err := newMessage("input_request", k.session, o.parent, map[string]any{"prompt": prompt, "password": password})
	if err != nil {
		return "", err
	}
	ch := make(chan inputReply, 1)
	k.in.pmu.Lock()
	k.in.pending, k.in.reqID = ch, m.Header.MsgID
	k.in.pmu.Unlock()
	defer func() {
		k.in.pmu.Lock()
		k.in.pending, k.in.reqID = nil, ""
		k.in.pmu.Unlock()
	}()
	if err := k.sendMessage(k.stdin, m); err != nil {
		return "", fmt.Errorf("kernel: input_request: %w", err)
	}
	select {
	case r := <-ch:
		return r.Value, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
