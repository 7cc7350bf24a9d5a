package cluster

import (
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

const (
	keyHeader   = "Warren-Key"
	triesHeader = "Warren-Tries"
	// publishTimeout is how long a publication waits for JetStream's ack;
	// publishTries how often it is tried (a head restarting, a NATS node
	// failing over) before its task fails.
	publishTimeout = 5 * time.Second
	publishTries   = 24
)

// publishFailed publishes again a task whose publication was not
// acknowledged (JetStream drops the duplicate if the first one was stored
// after all), and fails the task after publishTries tries.
func (cl *Client) publishFailed(_ jetstream.JetStream, m *nats.Msg, err error) {
	key := m.Header.Get(keyHeader)
	tries, _ := strconv.Atoi(m.Header.Get(triesHeader))
	tries++
	cl.mu.Lock()
	_, pending := cl.pending[key]
	closed := cl.closed
	cl.mu.Unlock()
	if !pending || closed {
		return
	}
	if tries >= publishTries {
		if t := cl.forget(key); t != nil {
			t.Done(parallel.RemoteResult{Err: &RemoteError{Message: fmt.Sprintf("cluster: the task could not be queued (%d tries): %v", tries, err), System: true}})
		}
		return
	}
	again := &nats.Msg{Subject: m.Subject, Data: m.Data, Header: nats.Header{}}
	for k, v := range m.Header {
		again.Header[k] = v
	}
	again.Header.Set(triesHeader, strconv.Itoa(tries))
	go func() {
		select {
		case <-cl.ctx.Done():
			return
		case <-time.After(min(time.Duration(tries)*200*time.Millisecond, publishTimeout)):
		}
		if _, err := cl.c.js.PublishMsgAsync(again); err != nil {
			cl.publishFailed(nil, again, err)
		}
	}()
}
