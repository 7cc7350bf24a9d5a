package cluster

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// Actors on workers (parallel.ActorBackend). A Client places an actor by
// publishing its constructor to the task stream with an actorMsg: the
// first worker with a free CPU that can hold the actor's resources pulls
// it, as a task, runs the constructor on its runtime and keeps the actor
// there (actorhost.go). The constructor's result names the worker's actor
// subject (actorSubject + "." + a worker id); from then on the Client
// publishes the actor's calls there, in the order the runtime sends them,
// on its one connection (NATS keeps that order), each with a reply subject
// on which the worker acknowledges it at once. Results go to the object
// bucket under the call's result key, as a task's do, so Get, Wait and
// refs work unchanged.
//
// Death, Ray's rule without restarts: an actor whose worker is gone dies,
// and its unfinished and later calls fail with *parallel.ActorDiedError.
// The Client notices it three ways: a call that reaches no subscriber
// comes back at once as "no responders" (the worker process has ended or
// its connection closed); while it has actors on a worker, the Client
// pings that worker every progressEvery and counts it dead when pings have
// failed for goneAfter or frozenAfter; and a call not acknowledged within
// callAckWait kills its actor (a lost call would break the order of the
// calls). A worker that no longer has an actor (its driver's session
// ended, it was killed) answers its calls with why.

func init() { gob.Register(&parallel.Actor{}) } // a handle inside an interface value

// actorSubject prefixes the core-NATS subjects of a worker's actors:
// actorSubject.<worker id>.ping, .c.<session>.<actor id> (calls) and
// .k.<session>.<actor id> (kill).
const actorSubject = "warren.actor"

// Timing of actor death. A worker's actors die once its pings have failed
// for goneAfter when they reach no one (its process ended: its
// connection closed; a worker reconnecting after a head restart misses a
// few), or for frozenAfter when they go unanswered (it is frozen or cut
// off). A call the worker has not acknowledged after callAckWait kills its
// actor: it may be lost, and the calls after it would run out of order.
const (
	goneAfter   = time.Second
	frozenAfter = 3 * time.Second
	pingTimeout = time.Second
	callAckWait = 10 * time.Second
)

// actorMsg rides on an actor constructor's taskMsg.
type actorMsg struct {
	ID      uint64 // the actor's id in the driver's runtime
	Sess    string // the driver's session
	Label   string
	MaxConc int
	Name    string // its ActorName, "" if none
	Address string // RemoteActor.Address: what its handles carry
}

// actorTable is a Client's actors on workers.
type actorTable struct {
	mu      sync.Mutex
	byID    map[*parallel.RemoteActor]*clActor // the process's actor handles
	unacked map[string]*clActor                // call key → its actor, until the worker acknowledges the call
	hosts   map[string]*hostState
	inbox   string // reply subject prefix of call acknowledgements
	sub     *nats.Subscription
	running bool // watchActors runs
	// ctors are the result keys of this session's actor constructors:
	// kept until Close (not Released), since handles sent to other
	// processes find their actor there.
	ctors  map[string]bool
	naming sync.WaitGroup // names being freed (KillActor); Close waits
}

// foreignIdle is how long a handle from another process stays in the
// table without calls (a worker whose tasks each get a handle would keep
// them all otherwise); a call through an evicted handle finds its actor
// again (reattach).
const foreignIdle = 30 * time.Second

// keepsResult reports whether key is the result of an actor constructor.
func (tb *actorTable) keepsResult(key string) bool {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return tb.ctors[key]
}

// clActor is one actor of a Client.
type clActor struct {
	ra       *parallel.RemoteActor
	sess     string // the session that made the actor (its calls' subject)
	foreign  bool   // a handle another process sent (AttachActor)
	ctorKey  string
	host     string              // the worker's actor subject prefix, once the constructor returned there
	worker   string              // the worker's name
	sent     map[string]sentCall // calls sent and not acknowledged
	calls    map[string]bool     // calls sent (pruned once they are no longer pending)
	dead     bool
	used     time.Time  // last call sent
	held     []heldCall // calls not sent yet, in order (actoroutage.go)
	flushing bool       // held calls are being sent
	seq      uint64     // calls made
}

// hostState is what a Client knows of a worker holding its actors.
type hostState struct {
	pinging bool
	failing time.Time // since when its pings fail, zero if the last one was answered
	okAt    time.Time // when it last answered (or placed an actor)
}

func (tb *actorTable) initLocked() {
	if tb.byID == nil {
		tb.byID = map[*parallel.RemoteActor]*clActor{}
		tb.unacked = map[string]*clActor{}
		tb.hosts = map[string]*hostState{}
	}
}

// actorCtor registers the actor of the constructor task t, about to be
// published with result key key, and returns its actorMsg.
func (cl *Client) actorCtor(t *parallel.RemoteTask, key string) *actorMsg {
	tb := &cl.actors
	tb.mu.Lock()
	tb.initLocked()
	tb.byID[t.Actor] = &clActor{ra: t.Actor, sess: cl.sess, ctorKey: key, sent: map[string]sentCall{}, calls: map[string]bool{}}
	if tb.ctors == nil {
		tb.ctors = map[string]bool{}
	}
	tb.ctors[key] = true
	tb.mu.Unlock()
	return &actorMsg{ID: t.Actor.ID, Sess: cl.sess, Label: t.Actor.Label, MaxConc: t.Actor.MaxConcurrency, Name: t.Actor.Name, Address: t.Actor.Address}
}

// actorHosted records that the constructor of t's actor returned on the
// worker named proc, whose actor subjects start with host.
func (cl *Client) actorHosted(t *parallel.RemoteTask, host, proc string) error {
	tb := &cl.actors
	tb.mu.Lock()
	tb.initLocked()
	ca := tb.byID[t.Actor]
	tb.mu.Unlock()
	if ca == nil {
		if host != "" { // killed while its constructor ran: the worker may not have heard
			_ = cl.c.nc.Publish(host+".k."+cl.sess+"."+strconv.FormatUint(t.Actor.ID, 10), nil)
		}
		return nil
	}
	_, err := cl.place(ca, host, proc)
	return err
}

// place records that ca's actor is on the worker named proc, whose actor
// subjects start with host, and reports whether ca is still alive (if not,
// the worker is told to kill the actor).
func (cl *Client) place(ca *clActor, host, proc string) (bool, error) {
	tb := &cl.actors
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if host == "" {
		return false, errors.New("cluster: the worker that ran the constructor did not say where the actor is")
	}
	if ca.dead {
		_ = cl.c.nc.Publish(host+".k."+ca.sess+"."+strconv.FormatUint(ca.ra.ID, 10), nil)
		return false, nil
	}
	if tb.sub == nil {
		tb.inbox = nats.NewInbox()
		sub, err := cl.c.nc.Subscribe(tb.inbox+".>", cl.onCallAck)
		if err != nil {
			return false, fmt.Errorf("cluster: subscribe to call acknowledgements: %w", err)
		}
		_ = sub.SetPendingLimits(-1, -1)
		tb.sub = sub
	}
	ca.host, ca.worker = host, proc
	if tb.hosts[host] == nil {
		tb.hosts[host] = &hostState{okAt: time.Now()} // it just answered
	}
	if !tb.running {
		cl.mu.Lock()
		if !cl.closed {
			tb.running = true
			cl.wg.Add(1)
			go cl.watchActors()
		}
		cl.mu.Unlock()
	}
	return true, nil
}

// AttachActor implements parallel.ActorBackend: it finds where the actor
// of a handle another process sent lives (its constructor's result), then
// calls ra.Placed; a constructor that failed kills the handle.
func (cl *Client) AttachActor(ra *parallel.RemoteActor) error {
	sess, key, ok := strings.Cut(ra.Address, " ")
	if !ok || !strings.HasPrefix(key, "r."+sess+".") {
		return fmt.Errorf("cluster: the actor handle's address %q is not one of this cluster", ra.Address)
	}
	ca := &clActor{ra: ra, sess: sess, foreign: true, ctorKey: key, sent: map[string]sentCall{}, calls: map[string]bool{}}
	tb := &cl.actors
	tb.mu.Lock()
	tb.initLocked()
	tb.byID[ra] = ca
	tb.mu.Unlock()
	cl.mu.Lock()
	if cl.closed {
		cl.mu.Unlock()
		return errors.New("cluster: client closed")
	}
	cl.wg.Add(1)
	cl.mu.Unlock()
	ended := make(chan *nats.Msg, 1) // the session that made the actor ended: its result may be gone
	endSub, err := cl.c.nc.ChanSubscribe(releaseSubject+".s."+sess, ended)
	if err != nil {
		cl.wg.Done()
		return fmt.Errorf("cluster: subscribe to session ends: %w", err)
	}
	go func() {
		defer cl.wg.Done()
		defer func() { _ = endSub.Unsubscribe() }()
		w, err := cl.c.objects.Watch(cl.ctx, key)
		if err != nil {
			if cl.ctx.Err() == nil {
				cl.actorDied(ca, fmt.Sprintf("its handle could not find it: %v", err))
			}
			return
		}
		defer func() { _ = w.Stop() }()
		for {
			select {
			case <-cl.ctx.Done():
				return
			case <-ended:
				cl.actorDied(ca, "the process that created it ended its session")
				return
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				if e == nil || e.Operation() != jetstream.KeyValuePut {
					continue
				}
				var rm resultMsg
				switch err := rm.unmarshal(e.Value()); {
				case err != nil:
					cl.actorDied(ca, fmt.Sprintf("its handle could not find it: %v", err))
				case rm.Err != "":
					cl.actorDied(ca, "its constructor failed: "+rm.Err)
				default:
					alive, err := cl.place(ca, rm.Host, rm.Proc)
					if err != nil {
						cl.actorDied(ca, err.Error())
					} else if alive {
						ra.Placed()
					}
				}
				return
			}
		}
	}()
	return nil
}

// sendCall publishes the call t of an actor, encoded as data, to the
// actor's worker.
func (cl *Client) sendCall(t *parallel.RemoteTask, key string, data []byte) error {
	tb := &cl.actors
	tb.mu.Lock()
	ca := tb.byID[t.Actor]
	if ca == nil { // evicted (evictIdle)
		tb.mu.Unlock()
		if err := cl.reattach(t.Actor); err != nil {
			return err
		}
		tb.mu.Lock()
		ca = tb.byID[t.Actor]
	}
	if ca == nil || ca.dead || ca.host == "" {
		tb.mu.Unlock()
		return fmt.Errorf("cluster: actor %s is not on a worker", t.Actor.Label)
	}
	ca.used = time.Now()
	ca.calls[key] = true
	ca.seq++
	m := &nats.Msg{Subject: ca.host + ".c." + ca.sess + "." + strconv.FormatUint(ca.ra.ID, 10), Reply: tb.inbox + "." + key, Data: data}
	if cl.holdLocked(ca) { // cut off from the cluster (actoroutage.go)
		ca.held = append(ca.held, heldCall{key, m, ca.seq})
		tb.mu.Unlock()
		return nil
	}
	ca.sent[key] = sentCall{ca.used, m, ca.seq}
	tb.unacked[key] = ca
	tb.mu.Unlock()
	if err := cl.c.nc.PublishMsg(m); err != nil {
		tb.mu.Lock()
		delete(ca.sent, key)
		delete(tb.unacked, key)
		tb.mu.Unlock()
		return fmt.Errorf("cluster: send call to %s: %w", t.Actor.Label, err)
	}
	return nil
}

// onCallAck handles a worker's acknowledgement of a call: empty when it
// has the call, else why it does not have the actor; or NATS's "no
// responders" when the call reached no worker.
func (cl *Client) onCallAck(m *nats.Msg) {
	tb := &cl.actors
	key := strings.TrimPrefix(m.Subject, tb.inbox+".")
	tb.mu.Lock()
	ca := tb.unacked[key]
	delete(tb.unacked, key)
	if ca != nil {
		delete(ca.sent, key)
	}
	tb.mu.Unlock()
	switch {
	case ca == nil:
	case m.Header.Get("Status") == "503":
		cl.actorDied(ca, fmt.Sprintf("its worker %s died (a call reached no one)", ca.worker))
	case len(m.Data) > 0:
		cl.actorDied(ca, string(m.Data))
	}
}

// actorDied kills ca with reason, once.
func (cl *Client) actorDied(ca *clActor, reason string) {
	tb := &cl.actors
	tb.mu.Lock()
	dead := ca.dead
	ca.dead = true
	tb.mu.Unlock()
	if !dead {
		ca.ra.Died(reason) // calls KillActor
	}
}

// KillActor implements parallel.ActorBackend: it forgets the actor's
// unfinished calls and kills it on its worker, or keeps its constructor
// from running if it has not run yet.
func (cl *Client) KillActor(ra *parallel.RemoteActor) {
	tb := &cl.actors
	tb.mu.Lock()
	ca := tb.byID[ra]
	delete(tb.byID, ra)
	var calls []string
	if ca != nil {
		ca.dead = true
		for k := range ca.sent {
			delete(tb.unacked, k)
		}
		for k := range ca.calls {
			calls = append(calls, k)
		}
	}
	tb.mu.Unlock()
	if ra.Name != "" && (ca == nil || !ca.foreign) {
		cl.unname(ra)
	}
	if ca == nil {
		return
	}
	for _, k := range calls {
		cl.forget(k)
	}
	switch {
	case ca.host != "":
		_ = cl.c.nc.Publish(ca.host+".k."+ca.sess+"."+strconv.FormatUint(ra.ID, 10), nil)
	case !ca.foreign: // a worker that has not run the constructor yet skips it
		cl.forget(ca.ctorKey)
		_ = cl.c.nc.Publish(cancelSubject+"."+ca.ctorKey, nil)
	}
}

// watchActors pings the workers holding the Client's actors and fails
// calls not acknowledged in time, until the Client closes.
func (cl *Client) watchActors() {
	defer cl.wg.Done()
	tb := &cl.actors
	defer func() {
		tb.mu.Lock()
		if tb.sub != nil {
			_ = tb.sub.Unsubscribe()
		}
		tb.mu.Unlock()
	}()
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case <-cl.ctx.Done():
			return
		case <-tick.C:
		}
		now := time.Now()
		// While cut off, no call is late; after a reconnection, calls are
		// counted from it (actoroutage.go).
		connected, lr := cl.c.nc.IsConnected(), cl.c.lastReconnect()
		var late []*clActor
		var ping []string
		tb.mu.Lock()
		used := map[string]bool{}
		for _, ca := range tb.byID {
			if ca.dead || ca.host == "" {
				continue
			}
			used[ca.host] = true
			if !connected {
				continue
			}
			for _, sc := range ca.sent {
				if now.Sub(later(sc.at, lr)) > callAckWait {
					late = append(late, ca)
					break
				}
			}
		}
		for h, hs := range tb.hosts {
			switch {
			case !used[h]:
				delete(tb.hosts, h)
			case !hs.pinging:
				hs.pinging = true
				ping = append(ping, h)
			}
		}
		tb.mu.Unlock()
		for _, ca := range late {
			cl.actorDied(ca, fmt.Sprintf("its worker %s did not acknowledge a call for %v (it is cut off or frozen)", ca.worker, callAckWait))
		}
		for _, h := range ping {
			cl.wg.Add(1)
			go cl.pingHost(h)
		}
		cl.pruneCalls()
		cl.evictIdle(time.Now())
	}
}

// pingHost asks the worker whose actor subjects start with host whether
// it is there, and kills the Client's actors on it if its pings have been
// failing for goneAfter or frozenAfter (see there).
func (cl *Client) pingHost(host string) {
	defer cl.wg.Done()
	ctx, cancel := context.WithTimeout(cl.ctx, pingTimeout)
	_, err := cl.c.nc.RequestWithContext(ctx, host+".ping", nil)
	cancel()
	if cl.ctx.Err() != nil {
		return
	}
	tb := &cl.actors
	var dead []*clActor
	reason := ""
	tb.mu.Lock()
	hs := tb.hosts[host]
	if hs == nil {
		tb.mu.Unlock()
		return
	}
	hs.pinging = false
	now := time.Now()
	flush := false
	switch {
	case err == nil:
		if hs.okAt.Before(cl.c.lastReconnect()) {
			cl.resendLocked(host) // the first answer since this process reconnected
		}
		hs.failing, hs.okAt = time.Time{}, now
		flush = true
	case cl.cutOff():
		hs.failing = time.Time{} // it is reconnecting too (actoroutage.go)
	case hs.failing.IsZero():
		hs.failing = now
	default:
		gone := errors.Is(err, nats.ErrNoResponders)
		if (gone && now.Sub(hs.failing) < goneAfter) || (!gone && now.Sub(hs.failing) < frozenAfter) {
			break
		}
		for _, ca := range tb.byID {
			if ca.host == host && !ca.dead {
				dead = append(dead, ca)
				reason = fmt.Sprintf("its worker %s died", ca.worker)
				if !gone {
					reason = fmt.Sprintf("its worker %s stopped responding for %v", ca.worker, frozenAfter)
				}
			}
		}
	}
	tb.mu.Unlock()
	for _, ca := range dead {
		cl.actorDied(ca, reason)
	}
	if flush {
		cl.flushHeld(host)
	}
}

// pruneCalls forgets the calls whose results have arrived.
func (cl *Client) pruneCalls() {
	tb := &cl.actors
	tb.mu.Lock()
	defer tb.mu.Unlock()
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, ca := range tb.byID {
		for k := range ca.calls {
			if _, ok := cl.pending[k]; !ok {
				delete(ca.calls, k)
			}
		}
	}
}

// actorDiedType is resultMsg.ErrType of a call that failed because its
// actor had died on the worker (killed through another handle).
const actorDiedType = "actor died"

// callActorDied kills the handle of the call t, whose actor died on its
// worker for reason.
func (cl *Client) callActorDied(t *parallel.RemoteTask, reason string) {
	tb := &cl.actors
	tb.mu.Lock()
	ca := tb.byID[t.Actor]
	tb.mu.Unlock()
	if ca != nil {
		cl.actorDied(ca, reason)
	}
}

// evictIdle drops from the table the handles from other processes that
// have no call in flight and sent none since foreignIdle before now.
func (cl *Client) evictIdle(now time.Time) {
	tb := &cl.actors
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for ra, ca := range tb.byID {
		if ca.foreign && !ca.dead && ca.host != "" && len(ca.calls) == 0 && len(ca.sent) == 0 && now.Sub(ca.used) > foreignIdle {
			delete(tb.byID, ra)
		}
	}
}

// reattach puts back in the table an evicted handle from another process,
// reading where its actor is from its constructor's result.
func (cl *Client) reattach(ra *parallel.RemoteActor) error {
	sess, key, _ := strings.Cut(ra.Address, " ")
	ctx, cancel := context.WithTimeout(cl.ctx, 30*time.Second)
	defer cancel()
	e, err := cl.c.objects.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("cluster: find actor %s: %w", ra.Label, err)
	}
	var rm resultMsg
	if err := rm.unmarshal(e.Value()); err != nil || rm.Err != "" {
		return fmt.Errorf("cluster: find actor %s: %v%s", ra.Label, err, rm.Err)
	}
	ca := &clActor{ra: ra, sess: sess, foreign: true, ctorKey: key, sent: map[string]sentCall{}, calls: map[string]bool{}}
	tb := &cl.actors
	tb.mu.Lock()
	tb.byID[ra] = ca
	tb.mu.Unlock()
	_, err = cl.place(ca, rm.Host, rm.Proc)
	return err
}
