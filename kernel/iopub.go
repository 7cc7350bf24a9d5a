package kernel

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
)

// publisher owns the iopub socket: every iopub message goes through its
// channel, so messages leave in the order they were published.
type publisher struct {
	k    *Kernel
	sock zmq4.Socket
	ch   chan *Message
	done chan struct{} // closed when the kernel stops; publish no longer blocks
	exit chan struct{} // closed when run has drained and returned
}

func newPublisher(k *Kernel, sock zmq4.Socket) *publisher {
	return &publisher{
		k:    k,
		sock: sock,
		ch:   make(chan *Message, 4096),
		done: make(chan struct{}),
		exit: make(chan struct{}),
	}
}

// run sends queued messages until stop is called, then drains the queue.
func (p *publisher) run() {
	defer close(p.exit)
	for {
		select {
		case m := <-p.ch:
			p.send(m)
		case <-p.done:
			for {
				select {
				case m := <-p.ch:
					p.send(m)
				default:
					return
				}
			}
		}
	}
}

func (p *publisher) send(m *Message) {
	frames, err := p.k.signer.Encode(m)
	if err != nil {
		p.k.logf("iopub: %v", err)
		return
	}
	if err := p.sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		p.k.logf("iopub: send %s: %v", m.Header.MsgType, err)
	}
}

// publish queues an iopub message of msgType with parent as parent header.
func (p *publisher) publish(msgType string, parent *Message, content any) {
	m, err := newMessage(msgType, p.k.session, parent, content)
	if err != nil {
		p.k.logf("iopub: %v", err)
		return
	}
	m.Identities = [][]byte{[]byte("kernel." + p.k.session + "." + msgType)}
	select {
	case p.ch <- m:
	case <-p.done:
	}
}

// stop makes run drain the queue and return, and waits for it (at most d).
func (p *publisher) stop(d time.Duration) {
	close(p.done)
	select {
	case <-p.exit:
	case <-time.After(d):
	}
}

// streamChunk is pending text for one stream.
type streamChunk struct {
	name string
	text strings.Builder
}

// output is the kernel's Output for one request. Stream text is buffered and
// published at most every interval; Display and flush publish pending text
// first so that output order is preserved.
type output struct {
	k        *Kernel
	parent   *Message
	interval time.Duration

	allowStdin bool            // the request accepts input_request (Input)
	ctx        context.Context // the cell's context: Input gives up when it ends

	pubMu sync.Mutex // held while taking and publishing pending text

	mu        sync.Mutex
	pending   []*streamChunk
	scheduled bool
}

func (k *Kernel) newOutput(parent *Message) *output {
	return &output{k: k, parent: parent, interval: k.cfg.StreamInterval}
}

// Stream implements Output.
func (o *output) Stream(name, text string) {
	if text == "" {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	var c *streamChunk
	if n := len(o.pending); n > 0 && o.pending[n-1].name == name {
		c = o.pending[n-1]
	} else {
		c = &streamChunk{name: name}
		o.pending = append(o.pending, c)
	}
	c.text.WriteString(text)
	if !o.scheduled {
		o.scheduled = true
		time.AfterFunc(o.interval, o.flush)
	}
}

// Display implements Output.
func (o *output) Display(data, metadata map[string]any) {
	o.pubMu.Lock()
	defer o.pubMu.Unlock()
	o.flushLocked()
	o.k.pub.publish("display_data", o.parent, map[string]any{
		"data":      nonNilMap(data),
		"metadata":  nonNilMap(metadata),
		"transient": map[string]any{},
	})
}

// DisplayID publishes display_data that later UpdateDisplay calls with the
// same id replace in place (transient display_id).
func (o *output) DisplayID(id string, data, metadata map[string]any) {
	o.publishAfterStreams("display_data", map[string]any{
		"data":      nonNilMap(data),
		"metadata":  nonNilMap(metadata),
		"transient": map[string]any{"display_id": id},
	})
}

// UpdateDisplay publishes update_display_data for the display id.
func (o *output) UpdateDisplay(id string, data, metadata map[string]any) {
	o.publishAfterStreams("update_display_data", map[string]any{
		"data":      nonNilMap(data),
		"metadata":  nonNilMap(metadata),
		"transient": map[string]any{"display_id": id},
	})
}

// ClearOutput publishes clear_output: the front end clears the cell's
// output now, or with wait when the next output arrives.
func (o *output) ClearOutput(wait bool) {
	o.publishAfterStreams("clear_output", map[string]any{"wait": wait})
}

// flush publishes pending stream text now.
func (o *output) flush() {
	o.pubMu.Lock()
	defer o.pubMu.Unlock()
	o.flushLocked()
}

func (o *output) flushLocked() {
	o.mu.Lock()
	chunks := o.pending
	o.pending = nil
	o.scheduled = false
	o.mu.Unlock()
	for _, c := range chunks {
		o.k.pub.publish("stream", o.parent, map[string]any{"name": c.name, "text": c.text.String()})
	}
}

// publishAfterStreams publishes msgType after pending stream text.
func (o *output) publishAfterStreams(msgType string, content any) {
	o.pubMu.Lock()
	defer o.pubMu.Unlock()
	o.flushLocked()
	o.k.pub.publish(msgType, o.parent, content)
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}
