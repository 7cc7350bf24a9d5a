package parallel

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
)

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
	// running). It is called once per actor handle that dies for any
	// reason, and must not block.
	KillActor(a *RemoteActor)
	// AttachActor makes a, an actor handle this process decoded (another
	// process made the actor; a.Address says where it is), callable from
	// this process: once the backend knows the actor's worker it calls
	// a.Placed, and calls submitted meanwhile are sent then.
	AttachActor(a *RemoteActor) error
	// NameActor gives a, an actor being created, its a.Name in the whole
	// cluster, unless a live actor has it: then it returns that actor's
	// handle (as Actor.GobEncode makes it). KillActor frees the name.
	NameActor(a *RemoteActor) (holder []byte, err error)
	// LookupActor returns the handle of the actor named name in the
	// cluster, or nil if none has it.
	LookupActor(name string) (handle []byte, err error)
}

// A RemoteActor is an actor a Runtime hands to its ActorBackend.
type RemoteActor struct {
	ID             uint64             // the actor's id in the runtime
	Label          string             // its name, or its state's type and id
	MaxConcurrency int                // calls that may run at once (at least 1)
	CPUs           float64            // CPUs it holds on its worker for its life
	Res            map[string]float64 // custom resources it holds there
	// Address is the backend's: how another process finds the actor. The
	// backend sets it when it is given the constructor; it travels with
	// the actor's handle (see Actor.GobEncode).
	Address string
	// Name is the ActorName, "" if none.
	Name string

	a *Actor
}

// Handle returns the actor's handle in its wire form (Actor.GobEncode).
func (ra *RemoteActor) Handle() ([]byte, error) { return ra.a.GobEncode() }

// Placed tells the runtime that the actor of a handle given to
// AttachActor is on a worker: its calls are sent from now on.
func (ra *RemoteActor) Placed() {
	a := ra.a
	a.mu.Lock()
	a.hosted = true
	a.ready = a.dead == nil
	a.mu.Unlock()
	a.dispatch(nil)
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
	a.rem = &RemoteActor{ID: a.id, Label: a.label, Name: a.name, MaxConcurrency: a.opts.maxConc,
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

// actorWire is the wire form of an actor handle.
// HandleAddress returns the Address of the actor whose handle (the wire
// form of an *Actor, as RemoteActor.Handle returns it) is handle.
func HandleAddress(handle []byte) (string, error) {
	var w actorWire
	if err := gob.NewDecoder(bytes.NewReader(handle)).Decode(&w); err != nil {
		return "", fmt.Errorf("ray: decode an actor handle: %w", err)
	}
	return w.Address, nil
}

type actorWire struct {
	Address string
	ID      uint64
	Label   string
	Name    string
	MaxConc int
}

// GobEncode implements gob.GobEncoder: the handle of an actor living on a
// cluster worker travels to other processes (tasks on workers), where it
// is called as here. The handle of an actor living in this process does
// not: that is an error.
func (a *Actor) GobEncode() ([]byte, error) {
	if a == nil {
		return nil, errors.New("ray: cannot send a nil *ray.Actor")
	}
	if a.rem == nil || a.rem.Address == "" {
		return nil, fmt.Errorf("ray: the handle of %v cannot go to another process: the actor lives in this one (only actors placed on cluster workers have handles other processes can call)", a)
	}
	var buf bytes.Buffer
	w := actorWire{Address: a.rem.Address, ID: a.rem.ID, Label: a.label, Name: a.name, MaxConc: a.opts.maxConc}
	if err := gob.NewEncoder(&buf).Encode(&w); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// GobDecode implements gob.GobDecoder: a becomes a handle of the actor,
// bound on its first use to the runtime of the goroutine using it (which
// must be connected to the actor's cluster). Its calls from this process
// keep the order rules; Kill kills the actor itself.
func (a *Actor) GobDecode(b []byte) error {
	var w actorWire
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(&w); err != nil {
		return err
	}
	a.id, a.name, a.label, a.foreign = ids.Add(1), w.Name, w.Label, true
	a.queues = map[*task]*callQueue{}
	a.opts.maxConc = max(w.MaxConc, 1)
	a.rem = &RemoteActor{ID: w.ID, Label: w.Label, MaxConcurrency: a.opts.maxConc, Address: w.Address, a: a}
	return nil
}

// bind gives a decoded handle the runtime of the caller and attaches it to
// that runtime's backend, once.
func (a *Actor) bind() error { return a.bindTo(nil) }

// bindTo is bind to rt (nil: the caller's runtime).
func (a *Actor) bindTo(rt *Runtime) error {
	if !a.foreign {
		return nil
	}
	a.bindMu.Lock()
	defer a.bindMu.Unlock()
	if a.rt != nil {
		return a.bindErr
	}
	if rt == nil {
		rt = callerRuntime()
	}
	a.rt = rt
	b := rt.actorBackend()
	if b == nil {
		a.bindErr = invalidf("%v: this process is not connected to the cluster the actor lives on (call ray.Init(ray.Address(…)))", a)
	} else if err := b.AttachActor(a.rem); err != nil {
		a.bindErr = fmt.Errorf("%v: %w", a, err)
	}
	return a.bindErr
}

// LocalActor is NewActor for an actor that lives on rt itself even when rt
// is connected to a cluster: a cluster worker keeps the actors placed on
// it with it. address is the RemoteActor.Address the actor's handles carry
// in the cluster: the runtime takes a handle with that address for this
// actor (a call of it waiting for a later call of itself, through such a
// handle, fails at once as in process).
func (rt *Runtime) LocalActor(address string, ctor any, opts ...ActorOption) (*Actor, error) {
	a, err := rt.newActor(ctor, opts, true)
	if a != nil {
		a.hostAt = address
	}
	return a, err
}

// sameActor reports whether a and b are handles of one actor: the same
// handle, or a worker's LocalActor and a handle of it from the cluster.
func sameActor(a, b *Actor) bool {
	if a == b {
		return true
	}
	addr := func(x *Actor) string {
		if x.rem != nil {
			return x.rem.Address
		}
		return x.hostAt
	}
	return addr(a) != "" && addr(a) == addr(b)
}

// nameRemoteActor gives a, being created on a runtime connected to b, its
// name in the cluster unless an actor of this runtime or of the cluster
// has it; it returns the holder's handle if another process's actor has it.
func (rt *Runtime) nameRemoteActor(a *Actor, b ActorBackend) (*Actor, error) {
	rt.mu.Lock()
	old := rt.actors[a.name]
	rt.mu.Unlock()
	if old != nil && !old.killed {
		return nil, nil // newActor decides
	}
	h, err := b.NameActor(a.rem)
	if err != nil || h == nil {
		if err != nil {
			err = fmt.Errorf("ray.NewActor: name %q: %w", a.name, err)
		}
		return nil, err
	}
	holder := &Actor{}
	if err := holder.GobDecode(h); err != nil {
		return nil, fmt.Errorf("ray.NewActor: the holder of name %q: %w", a.name, err)
	}
	return holder, holder.bindTo(rt)
}

// clusterActor returns a handle of the actor named name in the cluster rt
// is connected to, nil if rt is not connected or no actor has the name.
func (rt *Runtime) clusterActor(name string) (*Actor, error) {
	b := rt.actorBackend()
	if b == nil {
		return nil, nil
	}
	h, err := b.LookupActor(name)
	if err != nil || h == nil {
		if err != nil {
			err = fmt.Errorf("ray.GetActor(%q): %w", name, err)
		}
		return nil, err
	}
	a := &Actor{}
	if err := a.GobDecode(h); err != nil {
		return nil, fmt.Errorf("ray.GetActor(%q): %w", name, err)
	}
	return a, a.bindTo(rt)
}
