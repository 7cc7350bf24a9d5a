package cluster

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/warren-go/warren/parallel"
)

// The worker side of actors (see actor.go): a worker that pulls an actor's
// constructor creates the actor on its own runtime (a parallel.Actor with
// the driver's MaxConcurrency and resources, so the worker pulls fewer
// tasks while the actor holds CPUs), and takes its calls on its actor
// subjects. It submits them to the actor in the order they arrive, from
// one goroutine per actor, so the actor's rules apply: they start in that
// order, at most MaxConcurrency at once; each call's result is stored
// under its result key like a task's.

// actorHost is a worker's actors.
type actorHost struct {
	w      *worker
	ctx    context.Context
	prefix string // actorSubject + "." + a worker id

	mu     sync.Mutex
	actors map[string]*hostedActor // by "<session>.<actor id>"
	subs   []*nats.Subscription
}

// hostedActor is an actor a worker keeps.
type hostedActor struct {
	key   string
	sess  string // the session that made it
	owner string // the driver owning that session's task that made it ("" if a driver made it)
	name  string // its ActorName, "" if none
	addr  string // the Address its handles carry
	local *parallel.Actor

	mu    sync.Mutex
	queue []*nats.Msg // calls received and not yet submitted
	seen  callsSeen   // calls received lately: one sent again after a head restart runs once
	wake  chan struct{}
	done  chan struct{} // closed when the actor is killed
}

// startActorHost subscribes the worker to its actor subjects and to the
// ends of drivers' sessions (their actors are killed then).
func startActorHost(ctx context.Context, w *worker) (*actorHost, error) {
	h := &actorHost{w: w, ctx: ctx, prefix: actorSubject + "." + nuid.Next(), actors: map[string]*hostedActor{}}
	// Pings and kills have subscriptions of their own, so that neither
	// waits behind a flood of calls.
	for _, s := range []string{".c.>", ".k.>", ".ping"} {
		sub, err := w.c.nc.Subscribe(h.prefix+s, h.onMsg)
		if err != nil {
			h.stop()
			return nil, fmt.Errorf("cluster: subscribe to actor calls: %w", err)
		}
		_ = sub.SetPendingLimits(-1, -1) // a call is never dropped for a slow consumer
		h.subs = append(h.subs, sub)
	}
	sub, err := w.c.nc.Subscribe(releaseSubject+".s.*", func(m *nats.Msg) {
		h.killSession(strings.TrimPrefix(m.Subject, releaseSubject+".s."))
	})
	if err != nil {
		h.stop()
		return nil, fmt.Errorf("cluster: subscribe to session ends: %w", err)
	}
	h.subs = append(h.subs, sub)
	return h, nil
}

// stop unsubscribes and kills the worker's actors.
func (h *actorHost) stop() {
	h.mu.Lock()
	subs := h.subs
	h.subs = nil
	keys := make([]string, 0, len(h.actors))
	for k := range h.actors {
		keys = append(keys, k)
	}
	h.mu.Unlock()
	for _, s := range subs {
		_ = s.Unsubscribe()
	}
	for _, k := range keys {
		h.kill(k)
	}
}

// onMsg handles a message on the worker's actor subjects: a ping, a call
// (queued for its actor in the order calls arrive, then acknowledged), or
// a kill.
func (h *actorHost) onMsg(m *nats.Msg) {
	rest := strings.TrimPrefix(m.Subject, h.prefix+".")
	switch {
	case rest == "ping":
		_ = m.Respond(nil)
	case strings.HasPrefix(rest, "c."):
		h.mu.Lock()
		ha := h.actors[rest[2:]]
		h.mu.Unlock()
		if ha == nil {
			_ = m.Respond([]byte(fmt.Sprintf("worker %s no longer has it (it was killed, or its driver's session ended)", h.w.opt.Name)))
			return
		}
		ha.mu.Lock()
		if !ha.seen.add(m.Reply) {
			ha.mu.Unlock()
			_ = m.Respond(nil) // sent again (actoroutage.go): it has it already
			return
		}
		ha.queue = append(ha.queue, m)
		ha.mu.Unlock()
		select {
		case ha.wake <- struct{}{}:
		default:
		}
		_ = m.Respond(nil)
	case strings.HasPrefix(rest, "k."):
		h.kill(rest[2:])
	}
}

// killSession kills the actors of the driver sess: those it made, and
// those its tasks made on workers.
func (h *actorHost) killSession(sess string) {
	h.mu.Lock()
	var keys []string
	for k, ha := range h.actors {
		if ha.sess == sess || ha.owner == sess {
			keys = append(keys, k)
		}
	}
	h.mu.Unlock()
	for _, k := range keys {
		if ha := h.kill(k); ha != nil && ha.name != "" {
			go h.unname(ha.name, ha.addr)
		}
	}
}

// unname frees the actor name if it still names the actor at addr: a
// driver frees its actors' names itself when it ends cleanly, not when it
// dies, and a task's actor is named by its worker's Client.
func (h *actorHost) unname(name, addr string) {
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	key := nameKey(name)
	e, err := h.w.c.objects.Get(ctx, key)
	if err != nil {
		return // gone already
	}
	if a, err := parallel.HandleAddress(e.Value()); err != nil || a != addr {
		return // another actor's now
	}
	_ = h.w.c.objects.Delete(ctx, key, jetstream.LastRevision(e.Revision()))
}

// kill kills the actor of key, if the worker has it, and returns it.
func (h *actorHost) kill(key string) *hostedActor {
	h.mu.Lock()
	ha := h.actors[key]
	delete(h.actors, key)
	h.mu.Unlock()
	if ha != nil {
		close(ha.done)
		parallel.Kill(ha.local)
	}
	return ha
}

// createActor runs the constructor of tm's actor on the worker's runtime
// and keeps the actor; the result names the worker's actor subjects.
func (w *worker) createActor(ctx context.Context, tm *taskMsg) *resultMsg {
	if w.track(tm.Key, parallel.ObjectRef{}) {
		return &resultMsg{Err: "cancelled before it ran", ErrType: "cancelled"}
	}
	fn, err := w.opt.Loader.Load(ctx, tm.Func, w.fetchSource)
	if err != nil {
		return &resultMsg{Err: fmt.Sprintf("cannot load the constructor %q on worker %s: %v", tm.Func.Name, w.opt.Name, err), System: true}
	}
	ft := fn.Type()
	if ft.NumOut() == 0 {
		return &resultMsg{Err: fmt.Sprintf("the constructor %q returns nothing", tm.Func.Name), System: true}
	}
	rm := &resultMsg{Proc: w.opt.Name, Pid: w.pid}
	var mu sync.Mutex
	ctor := w.timedCall(fn, rm, &mu)
	am := tm.Actor
	local, err := w.rt.LocalActor(am.Address, ctor.Interface(), parallel.MaxConcurrency(max(am.MaxConc, 1)),
		parallel.ActorCPUs(tm.CPUs), parallel.ActorResources(tm.Res))
	if err != nil {
		return &resultMsg{Err: err.Error(), ErrType: fmt.Sprintf("%T", err), System: true}
	}
	// The actor is ready once a call can run: its constructor returned.
	ready := reflect.MakeFunc(reflect.FuncOf([]reflect.Type{ft.Out(0)}, nil, false),
		func([]reflect.Value) []reflect.Value { return nil })
	ref, err := local.Submit(ready.Interface())
	if err == nil {
		_, err = parallel.GetContext(ctx, ref)
	}
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		parallel.Kill(local)
		var de *parallel.ActorDiedError
		var te *parallel.TaskError
		if errors.As(err, &de) && errors.As(de.Err, &te) { // the constructor failed
			rm.Err, rm.Stack, rm.ErrType = te.Message, te.Stack, fmt.Sprintf("%T", te.Err)
		} else {
			rm.Err, rm.ErrType, rm.System = err.Error(), fmt.Sprintf("%T", err), true
		}
		return rm
	}
	h := w.host
	key := am.Sess + "." + fmt.Sprint(am.ID)
	ha := &hostedActor{key: key, sess: am.Sess, owner: tm.Owner, name: am.Name, addr: am.Address, local: local, wake: make(chan struct{}, 1), done: make(chan struct{})}
	h.mu.Lock()
	h.actors[key] = ha
	h.mu.Unlock()
	go ha.serve(h)
	if w.track(tm.Key, parallel.ObjectRef{}) { // killed while its constructor ran
		h.kill(key)
		return &resultMsg{Err: "cancelled before it ran", ErrType: "cancelled"}
	}
	w.logf("actor %s of session %s: on this worker", am.Label, am.Sess)
	rm.Host = h.prefix
	return rm
}

// The worker's runtime places the actors its tasks create on the cluster
// and calls the actor handles they receive, through the worker's Client.

// KillActor implements parallel.ActorBackend.
func (b nestedBackend) KillActor(ra *parallel.RemoteActor) { b.cl.KillActor(ra) }

// AttachActor implements parallel.ActorBackend.
func (b nestedBackend) AttachActor(ra *parallel.RemoteActor) error { return b.cl.AttachActor(ra) }

// NameActor implements parallel.ActorBackend.
func (b nestedBackend) NameActor(ra *parallel.RemoteActor) ([]byte, error) { return b.cl.NameActor(ra) }

// LookupActor implements parallel.ActorBackend.
func (b nestedBackend) LookupActor(name string) ([]byte, error) { return b.cl.LookupActor(name) }

// serve submits the actor's calls in the order they arrived, until the
// actor is killed.
func (ha *hostedActor) serve(h *actorHost) {
	for {
		ha.mu.Lock()
		var m *nats.Msg
		if len(ha.queue) > 0 {
			m = ha.queue[0]
			ha.queue[0] = nil
			ha.queue = ha.queue[1:]
		}
		ha.mu.Unlock()
		if m == nil {
			select {
			case <-ha.wake:
				continue
			case <-ha.done:
				return
			case <-h.ctx.Done():
				return
			}
		}
		select {
		case <-ha.done:
			return
		default:
		}
		h.w.submitCall(h.ctx, ha.local, m.Data)
	}
}

// submitCall decodes a call and submits it to the local actor; its result
// is stored once it has ended.
func (w *worker) submitCall(ctx context.Context, local *parallel.Actor, data []byte) {
	var tm taskMsg
	if err := tm.unmarshal(data); err != nil {
		w.logf("dropping an actor call that does not decode: %v", err)
		return
	}
	fail := func(rm *resultMsg) { w.storeResult(ctx, tm.Key, rm) }
	if w.track(tm.Key, parallel.ObjectRef{}) {
		fail(&resultMsg{Err: "cancelled before it ran", ErrType: "cancelled"})
		return
	}
	fn, err := w.opt.Loader.Load(ctx, tm.Func, w.fetchSource)
	if err != nil {
		fail(&resultMsg{Err: fmt.Sprintf("cannot load function %q on worker %s: %v", tm.Func.Name, w.opt.Name, err), System: true})
		return
	}
	ft := fn.Type()
	args := make([]any, len(tm.Args))
	for i, a := range tm.Args {
		v, err := w.arg(ctx, a, paramType(ft, i+1)) // after the state
		if err != nil {
			fail(&resultMsg{Err: fmt.Sprintf("argument %d: %v", i, err), ErrType: fmt.Sprintf("%T", err)})
			return
		}
		args[i] = v.Interface()
		if v.Kind() == reflect.Interface && v.IsNil() {
			args[i] = nil
		}
	}
	rm := &resultMsg{Proc: w.opt.Name, Pid: w.pid}
	var mu sync.Mutex
	timed := w.timedCall(fn, rm, &mu)
	ref, err := local.Submit(timed.Interface(), args...)
	if err != nil {
		fail(&resultMsg{Err: err.Error(), ErrType: fmt.Sprintf("%T", err)})
		return
	}
	if w.track(tm.Key, ref) {
		parallel.Cancel(ref)
	}
	go func() {
		v, err := parallel.GetContext(ctx, ref)
		w.track(tm.Key, parallel.ObjectRef{})
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			err = w.callResult(ctx, tm.Key, ft, v, rm)
		}
		if err != nil {
			var te *parallel.TaskError
			var de *parallel.ActorDiedError
			switch {
			case errors.As(err, &de): // killed meanwhile (through another handle)
				rm.Err, rm.ErrType = de.Reason, actorDiedType
			case errors.As(err, &te):
				rm.Err, rm.Stack, rm.ErrType = te.Message, te.Stack, fmt.Sprintf("%T", te.Err)
			default:
				rm.Err, rm.ErrType = err.Error(), fmt.Sprintf("%T", err)
			}
			rm.Vals = nil
		}
		if ctx.Err() == nil {
			w.storeResult(ctx, tm.Key, rm)
		}
	}()
}

// callResult encodes v, the value of a call of a function of type ft (one
// result, or a []any of several), into rm.
func (w *worker) callResult(ctx context.Context, key string, ft reflect.Type, v any, rm *resultMsg) error {
	nres := ft.NumOut()
	if nres > 0 && ft.Out(nres-1) == errType {
		nres--
	}
	vals := []any{v}
	switch nres {
	case 0:
		vals = nil
	case 1:
	default:
		all, ok := v.([]any)
		if !ok || len(all) != nres {
			return fmt.Errorf("cluster: a call of %s returned %T", ft, v)
		}
		vals = all
	}
	for i, x := range vals {
		rv := reflect.New(ft.Out(i)).Elem()
		if x != nil {
			rv.Set(reflect.ValueOf(x))
		}
		val, err := w.c.encodeRefs(ctx, key, rv)
		if err == nil {
			val, err = w.c.store(ctx, fmt.Sprintf("v.%s.%d", key, i), val)
		}
		if err != nil {
			return fmt.Errorf("result %d: %w", i, err)
		}
		rm.Vals = append(rm.Vals, val)
	}
	return nil
}

// timedCall returns fn wrapped to run in one of the worker's task slots
// (for the timeline) and to record that slot and its start and end in rm,
// holding mu, which readers of those fields hold too.
func (w *worker) timedCall(fn reflect.Value, rm *resultMsg, mu *sync.Mutex) reflect.Value {
	ft := fn.Type()
	return reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
		slot := w.takeSlot()
		start := time.Now()
		defer func() {
			mu.Lock()
			rm.Start, rm.End, rm.Slot = start, time.Now(), slot
			mu.Unlock()
			w.freeSlot(slot)
		}()
		if ft.IsVariadic() {
			return fn.CallSlice(in)
		}
		return fn.Call(in)
	})
}

// storeResult stores rm under key (see put).
func (w *worker) storeResult(ctx context.Context, key string, rm *resultMsg) {
	if err := w.put(ctx, key, rm.marshal()); err != nil && ctx.Err() == nil {
		w.logf("actor call %s: storing its result failed: %v", key, err)
	}
}
