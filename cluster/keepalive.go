package cluster

import (
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// hold adds m to the task messages the worker keeps alive in JetStream
// (keepAlive); release removes it, after its ack or Nak.
func (w *worker) hold(m jetstream.Msg) {
	w.mu.Lock()
	w.held[m] = true
	w.mu.Unlock()
}

func (w *worker) release(m jetstream.Msg) {
	w.mu.Lock()
	delete(w.held, m)
	w.mu.Unlock()
}

// keepAlive sends an in-progress ack for every task message the worker
// holds every progressEvery, and at once after a reconnection (a restarted
// head, or a NATS cluster's new consumer leader, redelivers tasks whose
// last word is older than ackWait soon after it starts), until stop is
// closed. It is one goroutine of its own, so it goes on while the tasks
// run or block in Get; a worker that dies stops it, and JetStream gives
// its tasks to other workers after ackWait.
func (w *worker) keepAlive(stop <-chan struct{}) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	reconnected := w.c.onReconnect()
	var msgs []jetstream.Msg
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		case <-reconnected:
		}
		msgs = msgs[:0]
		w.mu.Lock()
		for m := range w.held {
			msgs = append(msgs, m)
		}
		w.mu.Unlock()
		for _, m := range msgs {
			_ = m.InProgress() // a publication: a lost one is made up for by the next
		}
	}
}
