package parallel

import (
	"errors"
	"reflect"
)

// The scheduling of an actor's calls, its resources and its death.
//
// Scheduling: each caller (the driver, or the task or actor call submitting)
// has a FIFO of calls. A call can start when the actor's constructor has
// finished, it is at the head of its caller's FIFO, its ObjectRef arguments
// are ready, and fewer than MaxConcurrency calls of the actor run; among the
// callers, the call submitted first goes first. So one caller's calls start
// in submission order, and a call waiting for an argument holds up only the
// later calls of its own caller.
//
// Resources: an actor holds ActorCPUs (default 0, as Ray's actors hold no CPU
// while they run) and ActorResources from the start of its constructor until
// it dies and its last running call has returned. Its calls run within them:
// they take no CPUs of their own and do not queue behind tasks waiting for
// CPUs. While its call blocks in Get, an actor running one call at a time
// lends its resources to the runtime and takes them back before the call
// resumes (see lendLocked).

// enqueueCall adds the call t to its caller's queue, or fails it at once if
// the actor is dead.
func (a *Actor) enqueueCall(t *task, caller *task) {
	a.mu.Lock()
	if dead := a.dead; dead != nil {
		a.mu.Unlock()
		t.finish(nil, newTaskError(t, dead, nil))
		return
	}
	q := a.queues[caller]
	if q == nil {
		q = &callQueue{}
		a.queues[caller] = q
	}
	q.calls = append(q.calls, t)
	a.mu.Unlock()
}

// dispatch starts the calls that may start (see the rules at the top of this
// file). self is the worker calling as it finishes a call, which may run the
// next call itself, or nil.
func (a *Actor) dispatch(self *worker) {
	var start []*task
	a.mu.Lock()
	// An actor on a cluster worker gets its calls as soon as they may
	// start; the worker runs MaxConcurrency of them at once.
	for a.ready && a.dead == nil && (a.rem != nil || a.active < a.opts.maxConc) {
		t := a.nextLocked()
		if t == nil {
			break
		}
		if a.rem == nil {
			a.active++
		}
		start = append(start, t)
	}
	a.mu.Unlock()
	if len(start) == 0 {
		return
	}
	if a.rem != nil {
		a.sendCalls(start)
		return
	}
	rt := a.rt
	skipped := 0
	rt.mu.Lock()
	for _, t := range start {
		if t.retired { // finished (cancelled, killed) since it was chosen
			skipped++
			continue
		}
		rt.takeLocked(t) // nothing: the actor holds the resources
		a.bodies++
		rt.startLocked(t, self)
	}
	rt.mu.Unlock()
	if skipped > 0 {
		a.mu.Lock()
		a.active -= skipped
		a.mu.Unlock()
		a.dispatch(self)
	}
}

// nextLocked removes and returns the call that starts next: of the callers'
// first unfinished calls whose arguments are ready, the one submitted first.
func (a *Actor) nextLocked() *task {
	var best *task
	var bestQ *callQueue
	for caller, q := range a.queues {
		for len(q.calls) > 0 && q.calls[0].isDone() {
			q.calls[0] = nil
			q.calls = q.calls[1:]
		}
		if len(q.calls) == 0 {
			delete(a.queues, caller)
			continue
		}
		if h := q.calls[0]; h.pending.Load() == 0 && (best == nil || h.id < best.id) {
			best, bestQ = h, q
		}
	}
	if best != nil {
		bestQ.calls[0] = nil
		bestQ.calls = bestQ.calls[1:]
	}
	return best
}

// callEnded is called once a call or the constructor t has retired
// (finished and, if it ran, its code returned, its timeline row free);
// started says whether t's code ran, self is t's worker or nil. A
// constructor that returned the state makes the actor ready.
func (a *Actor) callEnded(t *task, started bool, self *worker) {
	a.mu.Lock()
	switch {
	case t.role == roleCtor:
		a.ready = a.dead == nil && (a.store.IsValid() || a.hosted)
	case started:
		a.active--
	}
	a.mu.Unlock()
	a.dispatch(self)
}

// ctorDone records the constructor's outcome; t is the constructor task.
func (a *Actor) ctorDone(t *task, vals []any, err error) {
	if err != nil {
		reason := "its constructor failed"
		if errors.Is(err, ErrShutdown) {
			reason, err = "its runtime shut down", ErrShutdown
		}
		a.die(&ActorDiedError{Actor: a.label, Reason: reason, Err: err})
		return
	}
	if a.rem != nil { // the state is on the worker
		a.mu.Lock()
		a.hosted = a.dead == nil
		a.mu.Unlock()
		return
	}
	store := reflect.New(a.typ)
	if v := reflect.ValueOf(vals[0]); v.IsValid() {
		store.Elem().Set(v)
	}
	a.mu.Lock()
	ok := a.dead == nil
	if ok {
		a.store = store // calls start once the constructor has retired (see callEnded)
	}
	a.mu.Unlock()
	if ok {
		a.rt.mu.Lock()
		t.keep = true // the constructor's resources pass to the actor as it retires
		a.rt.mu.Unlock()
	}
}

// stateArg returns the value passed as the state parameter of a call of f.
func (a *Actor) stateArg(f *RemoteFunction) reflect.Value {
	if f.statePtr {
		return a.store
	}
	return a.store.Elem()
}

// die marks the actor dead with cause and fails its unfinished calls (and its
// constructor, if it runs).
func (a *Actor) die(cause *ActorDiedError) {
	a.mu.Lock()
	if a.dead != nil {
		a.mu.Unlock()
		return
	}
	a.dead = cause
	a.queues = nil
	a.mu.Unlock()

	rt := a.rt
	rt.mu.Lock()
	a.killed = true
	if cause.Reason != "its constructor failed" && rt.actors[a.name] == a {
		delete(rt.actors, a.name)
	}
	for i, x := range rt.allActors {
		if x == a {
			rt.allActors = append(rt.allActors[:i], rt.allActors[i+1:]...)
			break
		}
	}
	a.releaseIfIdleLocked()
	ts := rt.liveTasks(func(t *task) bool { return t.act == a })
	rt.dispatchLocked(nil)
	rt.mu.Unlock()
	for _, t := range ts {
		if t.done.CompareAndSwap(false, true) {
			t.complete(nil, false, nil, newTaskError(t, cause, nil))
		}
	}
	if a.rem != nil {
		if b := rt.actorBackend(); b != nil {
			b.KillActor(a.rem)
		}
	}
}

// lendLocked gives the runtime the actor's resources while its call waits in
// Get, GetAll or Wait, as a task gives back its own, so that the tasks it
// waits for can run on them. Only an actor running one call at a time lends:
// with MaxConcurrency(n>1), its other calls may run meanwhile.
func (a *Actor) lendLocked() {
	if !a.holds || a.lent || a.opts.maxConc != 1 || (a.opts.cpu == 0 && len(a.opts.res) == 0) {
		return
	}
	a.lent = true
	rt := a.rt
	rt.cpuAvail += a.opts.cpu
	for k, v := range a.opts.res {
		rt.resAvail[k] += v
	}
}

// reclaimLocked takes back what the actor lent, for a call resuming after a
// wait, and reports whether the call may resume (false: not enough is free
// yet).
func (a *Actor) reclaimLocked() bool {
	if !a.lent {
		return true
	}
	rt := a.rt
	if a.opts.cpu > rt.cpuAvail {
		return false
	}
	for k, v := range a.opts.res {
		if v > rt.resAvail[k] {
			return false
		}
	}
	rt.cpuAvail -= a.opts.cpu
	for k, v := range a.opts.res {
		rt.resAvail[k] -= v
	}
	a.lent = false
	return true
}

// releaseIfIdleLocked gives back the resources of a dead actor once none of
// its calls' code runs.
func (a *Actor) releaseIfIdleLocked() {
	if !a.holds || a.bodies > 0 || !a.killed {
		return
	}
	a.holds = false
	rt := a.rt
	rt.cpuAvail += a.opts.cpu
	for k, v := range a.opts.res {
		rt.resAvail[k] += v
	}
}

// selfWait returns an error wrapping ErrInvalidCall if the caller is a call
// of an actor running one call at a time and o is the result of a later call
// of the same actor: that call cannot start before the caller returns, so
// waiting for it would never end.
func selfWait(o *object) error {
	p := o.producer
	if p == nil || p.role != roleCall {
		return nil
	}
	t := currentTask()
	if t == nil || t.role != roleCall || !sameActor(t.act, p.act) || p.act.opts.maxConc != 1 {
		return nil
	}
	return invalidf("a call of %v waits for another call of the same actor, which cannot start until this one returns (the actor runs one call at a time; use ray.MaxConcurrency, or return the ref instead of waiting)", p.act)
}

// slotLocked returns the actor's lowest free timeline row.
func (a *Actor) slotLocked() int {
	for i, used := range a.slots {
		if !used {
			a.slots[i] = true
			return i
		}
	}
	a.slots = append(a.slots, true)
	return len(a.slots) - 1
}

// actorHeldLocked returns how much of resource key ("CPU" or a custom
// resource), in units, rt's live actors hold, and the label of one of them.
func (rt *Runtime) actorHeldLocked(key string) (held int64, by string) {
	for _, a := range rt.allActors {
		n := a.opts.res[key]
		if key == cpuKey {
			n = a.opts.cpu
		}
		if a.holds && n > 0 {
			held += n
			by = a.label
		}
	}
	return held, by
}
