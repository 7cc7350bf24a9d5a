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
	// failing over) before its task fails: for publishSpan (73 s) at most.
	publishTimeout = 5 * time.Second
	publishTries   = 12
	// dupWindow is the task stream's duplicate window (JetStream's
	// default, stated): a publication tried again within it is stored
	// once (by its Nats-Msg-Id, the task's result key), after it the task
	// may be stored and run twice, so publishSpan must be shorter. A
	// longer window costs the server memory: about 110 bytes per task
	// (measured with 200,000 tasks), 120 MB for 2 minutes at 9k tasks/s.
	dupWindow = 2 * time.Minute
)

// retryDelay is how long a publication waits before its tries-th retry.
func retryDelay(tries int) time.Duration {
	return min(time.Duration(tries)*200*time.Millisecond, publishTimeout)
}

// publishSpan is the longest time from a task's first publication to its
// last: publishTries waits for an ack and the delays between them.
func publishSpan() time.Duration {
	span := publishTries * publishTimeout
	for tries := 1; tries < publishTries; tries++ {
		span += retryDelay(tries)
	}
	return span
}

// publishFailed publishes again a task whose publication was not
// acknowledged (JetStream drops the duplicate if the first one was stored
// after all, within dupWindow), and fails the task after publishTries
// tries.
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
		case <-time.After(retryDelay(tries)):
		}
		if _, err := cl.c.js.PublishMsgAsync(again); err != nil {
			cl.publishFailed(nil, again, err)
		}
	}()
}
