package cluster

import (
	"cmp"
	"slices"
	"time"

	"github.com/nats-io/nats.go"
)

// Actors across a head restart. While this process is cut off from the
// cluster (its connection is down: a head restarting), and after it
// reconnects until the actor's worker answers a ping, the Client holds an
// actor's calls, in order, instead of sending them: a call sent then could
// reach no one (the worker not subscribed again yet), which would kill the
// actor, and a call sent ahead of held ones would break their order. Pings
// that fail while this process is disconnected, or within reconnectGrace
// of its reconnection, do not count against the worker: it is reconnecting
// too. Calls sent but not acknowledged when the connection broke may be
// lost: once the worker answers after the reconnection, they are sent
// again, ahead of the held ones, and the worker runs a call it has seen
// (by its reply subject, unique per call) only once.

// reconnectGrace is how long after this process reconnects a worker's
// failing pings are not counted.
const reconnectGrace = 3 * time.Second

// A heldCall is a call the Client has not sent yet, or sent and must
// send again; seq orders the calls of an actor.
type heldCall struct {
	key string
	m   *nats.Msg
	seq uint64
}

// sentCall is a call sent and not acknowledged yet.
type sentCall struct {
	at  time.Time
	m   *nats.Msg
	seq uint64
}

// resendLocked puts the calls of the actors on host sent and not
// acknowledged back ahead of their held calls, in order: the first answer
// of the worker since this process reconnected (see above). The caller
// holds cl.actors.mu.
func (cl *Client) resendLocked(host string) {
	tb := &cl.actors
	for _, ca := range tb.byID {
		if ca.host != host || len(ca.sent) == 0 {
			continue
		}
		again := make([]heldCall, 0, len(ca.sent))
		for k, sc := range ca.sent {
			again = append(again, heldCall{k, sc.m, sc.seq})
			delete(tb.unacked, k)
		}
		clear(ca.sent)
		slices.SortFunc(again, func(a, b heldCall) int { return cmp.Compare(a.seq, b.seq) })
		ca.held = append(again, ca.held...)
	}
}

// callsSeen is a worker's record of the calls an actor received lately
// (the last seenMax).
type callsSeen struct {
	keys map[string]bool
	fifo []string
}

// seenMax bounds callsSeen: more calls than a Client sends again.
const seenMax = 1 << 16

// add notes key and reports whether it is new.
func (cs *callsSeen) add(key string) bool {
	if cs.keys[key] {
		return false
	}
	if cs.keys == nil {
		cs.keys = map[string]bool{}
	}
	cs.keys[key] = true
	cs.fifo = append(cs.fifo, key)
	if len(cs.fifo) > seenMax {
		delete(cs.keys, cs.fifo[0])
		cs.fifo = cs.fifo[1:]
	}
	return true
}

// cutOff reports whether this process is disconnected from the cluster or
// reconnected less than reconnectGrace ago.
func (cl *Client) cutOff() bool {
	return !cl.c.nc.IsConnected() || time.Since(cl.c.lastReconnect()) < reconnectGrace
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}

// holdLocked reports whether a call to ca must be held (see above). The
// caller holds cl.actors.mu.
func (cl *Client) holdLocked(ca *clActor) bool {
	if len(ca.held) > 0 || ca.flushing || !cl.c.nc.IsConnected() {
		return true
	}
	hs := cl.actors.hosts[ca.host]
	return hs != nil && hs.okAt.Before(cl.c.lastReconnect())
}

// flushHeld sends the held calls of the actors on host, each actor's in
// order, calls held meanwhile after them.
func (cl *Client) flushHeld(host string) {
	tb := &cl.actors
	for {
		tb.mu.Lock()
		var ca *clActor
		for _, c := range tb.byID {
			if c.host == host && len(c.held) > 0 && !c.flushing && !c.dead {
				ca = c
				break
			}
		}
		if ca == nil || !cl.c.nc.IsConnected() {
			tb.mu.Unlock()
			return
		}
		batch := ca.held
		ca.held, ca.flushing = nil, true
		now := time.Now()
		for _, h := range batch {
			ca.sent[h.key] = sentCall{now, h.m, h.seq}
			tb.unacked[h.key] = ca
		}
		tb.mu.Unlock()
		for i, h := range batch {
			if err := cl.c.nc.PublishMsg(h.m); err != nil {
				tb.mu.Lock() // cut off again: hold the rest, first
				for _, r := range batch[i:] {
					delete(ca.sent, r.key)
					delete(tb.unacked, r.key)
				}
				ca.held = append(append([]heldCall(nil), batch[i:]...), ca.held...)
				ca.flushing = false
				tb.mu.Unlock()
				return
			}
		}
		tb.mu.Lock()
		ca.flushing = false
		tb.mu.Unlock()
	}
}
