package parallel

import "fmt"

// Actors on a cluster. A runtime whose backend is an ActorBackend places
// each actor it creates on one of the cluster's workers: the constructor
// is a RemoteTask with Actor set, which the backend runs on a worker that
// then keeps the state, and each call is a RemoteTask with Actor and Call
// set, which the backend sends to that worker. The runtime keeps its own
// rules for the calls (a caller's calls are sent in submission order, a
// call is sent once its ref arguments are ready); the worker starts them
// in the order they arrive and runs at most MaxConcurrency at once. The
// actor holds its resources on the worker, not in the runtime.

// An ActorBackend is a Backend that hosts actors on the cluster's workers.
// Its Prepare and Submit also take RemoteTasks with Actor set: a
// constructor (Call false), whose Done carries no Values, and calls (Call
// true), whose Func takes the actor's state after its optional
// context.Context and before the Args.
type ActorBackend interface {
	Backend
	// KillActor stops a: the runtime has already failed its unfinished
	// calls, and the backend forgets them and kills the actor on its
	// worker (or, if its constructor has not run yet, keeps it from
	// running). It is called once per actor that dies for any reason,
	// and must not block.
	KillActor(a *RemoteActor)
}

// A RemoteActor is an actor a Runtime hands to its ActorBackend.
type RemoteActor struct {
	ID             uint64             // the actor's id in the runtime
	Label          string             // its name, or its state's type and id
	MaxConcurrency int                // calls that may run at once (at least 1)
	CPUs           float64            // CPUs it holds on its worker for its life
	Res            map[string]float64 // custom resources it holds there

	a *Actor
}

// Died tells the runtime that the actor is gone (its worker died or lost
// it): its unfinished calls and every later call fail with an
// *ActorDiedError giving reason, for example "its worker died".
func (ra *RemoteActor) Died(reason string) {
	ra.a.die(&ActorDiedError{Actor: ra.a.label, Reason: reason})
}

// actorBackend returns rt's backend if it hosts actors.
func (rt *Runtime) actorBackend() ActorBackend {
	ab, _ := rt.backend().(ActorBackend)
	return ab
}

// prepareRemoteActor makes a, created on a runtime connected to the
// ActorBackend b, an actor on the cluster: its constructor t is described
// to b, which may refuse it (a constructor that cannot be shipped, resources
// no worker has).
func (rt *Runtime) prepareRemoteActor(a *Actor, t *task, b ActorBackend) error {
	a.rem = &RemoteActor{ID: a.id, Label: a.label, MaxConcurrency: a.opts.maxConc,
		CPUs: fromUnits(a.opts.cpu), Res: t.resources(), a: a}
	t.remote = true
	if parent := currentTask(); parent != nil {
		t.group = parent.group
	} else if h := rt.currentHost(); h != nil {
		t.group = h.Group()
	}
	if err := rt.prepareRemote(t, b); err != nil {
		return fmt.Errorf("ray.NewActor %s: %w: %w (the actor is placed on a cluster worker; to give it values of this process, pass them to a first call, a.Remote(func(s *T, v V) {…}, v), which runs before the calls submitted after it)", a.label, ErrInvalidCall, err)
	}
	return nil
}

// sendCalls sends the calls the actor's dispatch chose to its worker, in
// the order chosen. One goroutine sends at a time (a call that fails while
// it is sent may dispatch again; the sender then sends what that chose).
func (a *Actor) sendCalls(start []*task) {
	b := a.rt.backend()
	a.mu.Lock()
	a.outbox = append(a.outbox, start...)
	if a.sending {
		a.mu.Unlock()
		return
	}
	a.sending = true
	for len(a.outbox) > 0 {
		t := a.outbox[0]
		a.outbox[0] = nil
		a.outbox = a.outbox[1:]
		a.mu.Unlock()
		if !t.isDone() {
			a.rt.sendRemote(t, b)
		}
		a.mu.Lock()
	}
	a.sending = false
	a.mu.Unlock()
}
