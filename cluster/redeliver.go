package cluster

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Redeliveries of a task still running. JetStream hands a task out again
// when its worker has not said it is still at it within ackWait: the
// worker died, or it was cut off (a head restart: the restarted server
// checks its unacknowledged tasks before the workers have reconnected).
// Only the first case is a failure for Ray; in the second the task would
// run twice. So a worker given a task delivered before first looks:
//   - at the task's result: if it is stored, the task has run, and the
//     delivery is acknowledged;
//   - at the workers' heartbeats, which list the tasks each runs: if a
//     worker heard from in the last freshWithin runs it (this one
//     included), the delivery is handed back to come again in redoDelay;
//   - and at its own heartbeat: if even that is not fresh and it
//     reconnected less than viewGrace ago, its view of the cluster is not
//     current yet, and it looks again later too.
//
// Otherwise it runs the task. A killed worker's last heartbeat is older
// than freshWithin by the time its task comes again (ackWait), so its task
// runs at once elsewhere. The deliveries handed back this way count as
// hand-backs, not attempts (handback.go).

// freshWithin is how recent a worker's heartbeat must be for the tasks it
// lists to count as running (a heartbeat comes every second).
const freshWithin = 3 * heartbeat / 2

// redoDelay is how long a task left to the worker running it waits before
// it is delivered again.
const redoDelay = time.Second

// viewGrace bounds how long after its reconnection a worker whose own
// heartbeat is not fresh leaves redelivered tasks for its view to catch
// up; after that (or without a reconnection) a stale view delays nothing.
const viewGrace = 5 * time.Second

// redelivery is what a worker does with a task delivered before.
type redelivery int

const (
	runIt   redelivery = iota
	ranIt              // its result is stored
	leaveIt            // a live worker runs it
)

// redelivered decides what to do with the task of key, delivered before.
func (w *worker) redelivered(ctx context.Context, key string) redelivery {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := w.c.objects.Get(ctx, key); err == nil {
		return ranIt
	} else if !errors.Is(err, jetstream.ErrKeyNotFound) {
		return leaveIt // the cluster is unreachable: look again later
	}
	w.mu.Lock()
	mine := w.holding[key]
	w.mu.Unlock()
	if mine {
		return leaveIt
	}
	cl := w.c.client
	self := w.key()
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if me, ok := cl.workers[self]; !ok || time.Since(me.seen) > freshWithin {
		if time.Since(w.c.lastReconnect()) < viewGrace {
			return leaveIt // reconnecting: its view catches up
		}
		// Its view is stale for another reason (the bucket's servers
		// electing a leader): the others' heartbeats are as stale, and
		// the task runs, as it would have without this check.
	}
	for k, wi := range cl.workers {
		if k != self && time.Since(wi.seen) <= freshWithin && slices.Contains(wi.Running, key) {
			return leaveIt
		}
	}
	return runIt
}

// holdKey notes that the worker runs the task of key (its heartbeat lists
// it) until the returned function is called.
func (w *worker) holdKey(key string) func() {
	w.mu.Lock()
	w.holding[key] = true
	w.mu.Unlock()
	return func() {
		w.mu.Lock()
		delete(w.holding, key)
		w.mu.Unlock()
	}
}

// runningKeys returns the keys of the tasks the worker runs, sorted.
func (w *worker) runningKeys() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Sorted(maps.Keys(w.holding))
}
