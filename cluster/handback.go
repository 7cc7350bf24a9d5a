package cluster

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Hand-backs. A worker that lacks a task's resources (a GPU only another
// worker has) hands the task back to JetStream (Nak) for another worker.
// JetStream counts that as a delivery like any other, but it is no
// attempt: only a run that died may count against MaxRetries. So the
// worker that hands a task back first adds one to the task's hand-back
// counter, a key in objectBucket ("h.<session>.<id>" for the result key
// "r.<session>.<id>"), and a worker that gets a task delivered more than
// once subtracts the hand-backs from the deliveries. A task delivered once
// to a worker that holds it (the common case) reads and writes nothing
// more. The worker that stores the task's result removes the counter; a
// driver's end removes those of its session with its results (objectTTL
// is the backstop).
//
// Not taken: handing a task back by publishing a copy with a header that
// counts hand-backs, and acking the original. It sends the task to the
// back of the queue, needs a new Nats-Msg-Id (the copy would be dropped as
// a duplicate of the original), and the task is lost if the worker dies
// between the two.

// handBackDelay is how long a task handed back waits before JetStream
// delivers it again (to any worker, this one included), the first time;
// each later delivery doubles it up to handBackMaxDelay, so that a task
// no worker can run now (its only capable worker died: it waits, as in
// Ray) costs a few KV operations a second, not thirty.
const (
	handBackDelay    = 100 * time.Millisecond
	handBackMaxDelay = time.Second
)

// handBackWait is the delay of the hand-back of a task's delivered-th
// delivery.
func handBackWait(delivered uint64) time.Duration {
	return min(handBackDelay<<min(delivered-1, 4), handBackMaxDelay)
}

// handBackKey returns the key of the hand-back counter of the task whose
// result key is key.
func handBackKey(key string) string { return "h." + strings.TrimPrefix(key, "r.") }

// handBack records that the worker hands m (the task of key, delivered
// for the delivered-th time) back, then hands it back.
func (w *worker) handBack(ctx context.Context, m jetstream.Msg, key string, delivered uint64) {
	defer w.runs.Done()
	defer w.release(m)
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	w.giveBack(ctx, m, key, delivered == 1, handBackWait(delivered))
}

// giveBack counts a hand-back of m, the task of key (first: its first
// delivery, so no counter exists yet), then hands it back to JetStream to
// be delivered again after delay.
func (w *worker) giveBack(ctx context.Context, m jetstream.Msg, key string, first bool, delay time.Duration) {
	if err := w.countHandBack(ctx, handBackKey(key), first); err != nil {
		w.logf("task %s: recording its hand-back failed (it counts as a failed attempt): %v", key, err)
	}
	_ = m.NakWithDelay(delay)
}

// countHandBack adds one to the counter hk; first says that it cannot
// exist yet (the task's first delivery).
func (w *worker) countHandBack(ctx context.Context, hk string, first bool) error {
	kv := w.c.objects
	for {
		if first {
			_, err := kv.Create(ctx, hk, []byte("1"))
			if !errors.Is(err, jetstream.ErrKeyExists) {
				return err
			}
		}
		first = false
		e, err := kv.Get(ctx, hk)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			first = true
			continue
		}
		if err != nil {
			return err
		}
		n, _ := strconv.Atoi(string(e.Value()))
		_, err = kv.Update(ctx, hk, []byte(strconv.Itoa(n+1)), e.Revision())
		if err == nil || ctx.Err() != nil {
			return err
		}
		// Another worker counted meanwhile (the task was redelivered while
		// this one stalled): count again.
	}
}

// attempt returns how many times the task of key ran before this delivery
// (the delivered-th), and how many of its deliveries were hand-backs.
func (w *worker) attempt(ctx context.Context, key string, delivered uint64) (attempt, handed int) {
	if delivered <= 1 {
		return 0, 0
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	e, err := w.c.objects.Get(ctx, handBackKey(key))
	switch {
	case err == nil:
		handed, _ = strconv.Atoi(string(e.Value()))
	case !errors.Is(err, jetstream.ErrKeyNotFound):
		w.logf("task %s: reading its hand-backs failed (they count as failed attempts): %v", key, err)
	}
	return max(0, int(delivered)-1-handed), handed
}

// forgetHandBacks removes the hand-back counter of the task of key from
// objectBucket's stream (leaving no delete marker).
func (w *worker) forgetHandBacks(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if st, err := w.c.client.objectStream(ctx); err == nil {
		_ = st.Purge(ctx, jetstream.WithPurgeSubject("$KV."+objectBucket+"."+handBackKey(key)))
	}
}
