package kernel

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/go-zeromq/zmq4"
)

// The test client's requests and what it reads back (see client in
// kernel_test.go).

func (c *client) send(sock zmq4.Socket, msgType string, content any) string {
	c.t.Helper()
	return c.replyTo(sock, nil, msgType, content)
}

// replyTo sends msgType with parent (nil: none) as parent header on sock and
// returns its msg_id.
func (c *client) replyTo(sock zmq4.Socket, parent *Message, msgType string, content any) string {
	c.t.Helper()
	m, err := newMessage(msgType, "client-session", parent, content)
	if err != nil {
		c.t.Fatal(err)
	}
	frames, err := c.signer.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return m.Header.MsgID
}

func (c *client) recv(sock zmq4.Socket) *Message {
	c.t.Helper()
	return c.recvWithin(sock, 5*time.Second)
}

// recvWithin is recv waiting up to d.
func (c *client) recvWithin(sock zmq4.Socket, d time.Duration) *Message {
	c.t.Helper()
	type res struct {
		m   zmq4.Msg
		err error
	}
	ch := make(chan res, 1)
	go func() {
		m, err := sock.Recv()
		ch <- res{m, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			c.t.Fatal(r.err)
		}
		msg, err := c.signer.Decode(r.m.Frames)
		if err != nil {
			c.t.Fatal(err)
		}
		return msg
	case <-time.After(d):
		c.t.Fatal("timeout waiting for a reply")
		return nil
	}
}

// collect returns the iopub messages of the request msgID up to and
// including its idle status.
func (c *client) collect(msgID string) []*Message {
	c.t.Helper()
	var got []*Message
	timeout := time.After(5 * time.Second)
	for {
		select {
		case m := <-c.iopub:
			if parentID(m) != msgID {
				continue
			}
			got = append(got, m)
			if m.Header.MsgType == "status" && content(m)["execution_state"] == "idle" {
				return got
			}
		case <-timeout:
			c.t.Fatalf("no idle for %s; got %s", msgID, types(got))
		}
	}
}

// collectAll returns every iopub message, whatever its parent, up to and
// including the idle status of the request msgID.
func (c *client) collectAll(msgID string) []*Message {
	c.t.Helper()
	var got []*Message
	timeout := time.After(5 * time.Second)
	for {
		select {
		case m := <-c.iopub:
			got = append(got, m)
			if parentID(m) == msgID && m.Header.MsgType == "status" && content(m)["execution_state"] == "idle" {
				return got
			}
		case <-timeout:
			c.t.Fatalf("no idle for %s; got %s", msgID, types(got))
		}
	}
}

func (c *client) drainIOPub(d time.Duration) {
	for {
		select {
		case <-c.iopub:
		case <-time.After(d):
			return
		}
	}
}

func parentID(m *Message) string {
	var h Header
	_ = json.Unmarshal(m.Parent, &h)
	return h.MsgID
}

func content(m *Message) map[string]any {
	var c map[string]any
	_ = json.Unmarshal(m.Content, &c)
	return c
}

func types(ms []*Message) string {
	var s []string
	for _, m := range ms {
		t := m.Header.MsgType
		if t == "status" {
			t += ":" + content(m)["execution_state"].(string)
		}
		if t == "stream" {
			t += ":" + content(m)["text"].(string)
		}
		s = append(s, t)
	}
	return strings.Join(s, " ")
}
