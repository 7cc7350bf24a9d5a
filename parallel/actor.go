package parallel

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Actors. An actor is a stateful worker: NewActor runs a constructor once, as
// a task, and keeps the value it returns (the actor's state) for the actor's
// life; each call (Actor.Remote) is a task given that state. Calls are
// functions of the state rather than methods named by string, because an
// interpreter's methods are not visible to reflect (see the package doc).
// Scheduling, resources and death are in actor_sched.go.

// ErrActorDied is matched (errors.Is) by the error of every call of an actor
// that died: its constructor failed, it was killed by Kill, or its runtime was
// shut down.
var ErrActorDied = errors.New("the actor died")

// An ActorDiedError is the cause of a call that failed because its actor
// died. It matches ErrActorDied and unwraps to Err.
type ActorDiedError struct {
	Actor  string // the actor's name, or a label made of its state's type
	Reason string // why it died: "its constructor failed", "it was killed by ray.Kill", "its runtime shut down"
	Err    error  // the constructor's *TaskError, ErrShutdown, or nil
}

// Error reads "the actor died because <reason>[: <constructor's message>]".
func (e *ActorDiedError) Error() string {
	s := "the actor died because " + e.Reason
	var te *TaskError
	if errors.As(e.Err, &te) {
		s += ": " + te.Root().Message
	}
	return s
}

// Is reports whether target is ErrActorDied.
func (e *ActorDiedError) Is(target error) bool { return target == ErrActorDied }

// Unwrap returns the error that killed the actor, if any.
func (e *ActorDiedError) Unwrap() error { return e.Err }

// An ActorOption configures an actor created by NewActor.
type ActorOption func(*actorOptions) error

type actorOptions struct {
	name    string
	reuse   bool // GetIfExists
	maxConc int
	cpu     int64
	res     map[string]int64
}

// ActorName registers the actor under name in its runtime, so that GetActor
// finds it from any cell or task; on a cluster (an ActorBackend), in the
// whole cluster. The name is free again once the actor is killed; creating
// an actor under the name of a live actor fails.
func ActorName(name string) ActorOption {
	return func(o *actorOptions) error {
		if name == "" {
			return invalidf("ActorName must not be empty")
		}
		o.name = name
		return nil
	}
}

// GetIfExists makes NewActor with an ActorName return the live actor of that
// name if there is one, without running the new constructor (Ray's
// get_if_exists=True), so that a notebook cell creating a named actor can be
// run again.
func GetIfExists() ActorOption {
	return func(o *actorOptions) error { o.reuse = true; return nil }
}

// MaxConcurrency lets up to n calls of the actor run at once (default 1: one
// at a time). Calls running together share the state: protect it as for
// goroutines. Each caller's calls still start in submission order.
func MaxConcurrency(n int) ActorOption {
	return func(o *actorOptions) error {
		if n < 1 {
			return invalidf("MaxConcurrency must be at least 1, got %d", n)
		}
		o.maxConc = n
		return nil
	}
}

// ActorCPUs sets the CPUs the actor holds for its whole life, from the start
// of its constructor until it dies and its last running call has returned
// (default 0, as in Ray, where an actor holds no CPU while it runs); tasks
// get only the CPUs actors do not hold. The constructor waits for them like
// a task. An actor running one call at a time lends them to the runtime
// while that call blocks in Get, GetAll or Wait.
func ActorCPUs(n float64) ActorOption {
	return func(o *actorOptions) error {
		if n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			return invalidf("ActorCPUs must be a non-negative number, got %v", n)
		}
		o.cpu = units(n)
		return nil
	}
}

// ActorResources sets custom resources the actor holds for its whole life,
// as ActorCPUs does CPUs; "CPU" is the same as ActorCPUs.
func ActorResources(r map[string]float64) ActorOption {
	return func(o *actorOptions) error {
		var to taskOptions
		if err := TaskResources(r)(&to); err != nil {
			return err
		}
		if _, ok := r[cpuKey]; ok {
			o.cpu = to.cpu
		}
		o.res = to.res
		return nil
	}
}

// An Actor is a handle to a stateful worker created by NewActor. Handles may
// be copied, passed to tasks and shared between goroutines; they are never
// deep-copied by the object store.
type Actor struct {
	rt    *Runtime
	id    uint64
	name  string // ActorName, or ""
	label string // name, or the state's type and the actor's id
	opts  actorOptions
	ctor  *task
	typ   reflect.Type  // the constructor's result type
	store reflect.Value // a *typ holding the state, set when the constructor returns
	calls sync.Map      // callKey -> *RemoteFunction: templates of calls (see callFunc)

	mu      sync.Mutex
	ready   bool  // the constructor returned the state
	dead    error // the *ActorDiedError, once dead
	active  int   // calls chosen to run whose code has not returned
	queues  map[*task]*callQueue
	rem     *RemoteActor // the actor lives on a cluster worker (see actor_remote.go), else nil
	hosted  bool         // ... and its worker has it: its constructor returned there
	outbox  []*task      // calls chosen to be sent to the worker, in order (sendCalls)
	sending bool         // a goroutine is in sendCalls
	foreign bool         // decoded from another process (GobDecode): rt is set by bind
	hostAt  string       // a worker's LocalActor: the Address its cluster handles carry
	bindMu  sync.Mutex
	bindErr error

	// Guarded by rt.mu.
	killed bool   // dead: set by die just after dead (a.mu and rt.mu are never held together)
	holds  bool   // the actor holds its resources (given by its constructor task)
	lent   bool   // ... but lent them to the runtime while its call waits in Get (see lendLocked)
	bodies int    // calls whose code runs
	slots  []bool // timeline rows of the actor in use
}

// callQueue is one caller's calls, in submission order.
type callQueue struct {
	calls []*task
}

// NewActor creates an actor in the default runtime (the runtime of the
// calling task inside a task): it submits ctor as a task and keeps what it
// returns as the actor's state. ctor is a function with no parameters (or
// only a context.Context) returning the state, optionally followed by an
// error; it may be compiled or defined in a cell. If ctor panics or returns a
// non-nil error, the actor is dead and every call fails with an
// *ActorDiedError: "the actor died because its constructor failed: …".
// NewActor returns at once; calls submitted meanwhile wait for the
// constructor. On a runtime connected to a cluster whose backend is an
// ActorBackend, the actor lives on one of the cluster's workers: ctor and
// the call functions must be ones the backend can ship, and the state
// never leaves that worker. It panics with an error wrapping ErrInvalidCall if ctor is not
// such a function, an option is invalid, the resources can never be met, or
// ActorName names a live actor (with GetIfExists, that actor is returned).
func NewActor(ctor any, opts ...ActorOption) *Actor {
	return callerRuntime().NewActor(ctor, opts...)
}

// callerRuntime returns the runtime of the calling task, or the default
// runtime outside tasks.
func callerRuntime() *Runtime {
	if t := currentTask(); t != nil {
		return t.rt
	}
	return Default()
}

// NewActor is like the package-level NewActor, for an actor of rt.
func (rt *Runtime) NewActor(ctor any, opts ...ActorOption) *Actor {
	a, err := rt.newActor(ctor, opts, false)
	if err != nil {
		panic(err)
	}
	return a
}

func (rt *Runtime) newActor(ctor any, opts []ActorOption, local bool) (*Actor, error) {
	o := actorOptions{maxConc: 1}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&o); err != nil {
			return nil, fmt.Errorf("ray.NewActor: %w", err)
		}
	}
	f, err := newRemote(rt, ctor)
	if err != nil {
		return nil, fmt.Errorf("ray.NewActor: %w", invalidf("needs a constructor function, got %T", ctor))
	}
	if n := f.ft.NumIn(); n > 1 || (n == 1 && !f.takesCtx) || f.nres != 1 || f.variadic {
		return nil, invalidf("ray.NewActor: the constructor must take no arguments (or only a context.Context) and return the state, optionally followed by an error; got %s", f.ft)
	}
	a := &Actor{rt: rt, id: ids.Add(1), name: o.name, opts: o, typ: f.ft.Out(0), queues: map[*task]*callQueue{}}
	a.label = o.name
	if a.label == "" {
		a.label = fmt.Sprintf("%s#%d", shortType(a.typ), a.id)
	}
	f.name = a.label + ".new"
	f.opts.cpu, f.opts.res = o.cpu, o.res

	t := &task{rt: rt, id: ids.Add(1), f: f, act: a, role: roleCtor}
	t.obj0 = object{id: ids.Add(1), producer: t}
	t.out0[0] = &t.obj0
	t.outs = t.out0[:]
	a.ctor = t
	b := rt.actorBackend()
	if local {
		b = nil
	}
	if b != nil {
		if err := rt.prepareRemoteActor(a, t, b); err != nil {
			return nil, err
		}
	}
	if b != nil && o.name != "" {
		if holder, err := rt.nameRemoteActor(a, b); holder != nil || err != nil {
			if err == nil && !o.reuse {
				err = invalidf("ray.NewActor: an actor named %q exists in the cluster; use ray.GetActor(%q) or the option ray.GetIfExists(), or ray.Kill it first", o.name, o.name)
			}
			return holder, err
		}
	}
	setGroup(t, currentTask(), rt)

	rt.mu.Lock()
	if b != nil && rt.closed {
		rt.mu.Unlock()
		return nil, fmt.Errorf("ray.NewActor: %w", ErrShutdown)
	}
	if err := rt.feasibleLocked(&f.opts); b == nil && err != nil {
		rt.mu.Unlock()
		return nil, fmt.Errorf("ray.NewActor %s: %w", a.label, err)
	}
	if o.name != "" {
		if old := rt.actors[o.name]; old != nil && !old.killed {
			rt.mu.Unlock()
			if b != nil { // it took the name in the cluster meanwhile
				b.KillActor(a.rem)
			}
			if o.reuse {
				return old, nil
			}
			return nil, invalidf("ray.NewActor: an actor named %q exists; use ray.GetActor(%q) or the option ray.GetIfExists(), or ray.Kill it first", o.name, o.name)
		}
		if rt.actors == nil {
			rt.actors = map[string]*Actor{}
		}
		rt.actors[o.name] = a
	}
	rt.allActors = append(rt.allActors, a)
	rt.linkLocked(t)
	if b != nil {
		rt.mu.Unlock()
		rt.sendRemote(t, b)
		return a, nil
	}
	rt.readyQ = append(rt.readyQ, t)
	rt.dispatchLocked(nil)
	rt.mu.Unlock()
	return a, nil
}

// shortType names t without pointers and package path: *main.Counter is
// "Counter". Unnamed types (an interpreter's types have no reflect name) are
// "actor".
func shortType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	if n := t.Name(); n != "" {
		return n
	}
	return "actor"
}

// GetActor returns the live actor registered under name (see ActorName) in
// the default runtime (the calling task's runtime inside a task), or in its
// cluster (a handle of an actor another process made), or an
// error wrapping ErrInvalidCall that says no actor has that name. An actor
// whose constructor failed is returned: its calls report why it died.
func GetActor(name string) (*Actor, error) {
	return callerRuntime().GetActor(name)
}

// GetActor is like the package-level GetActor, for the actors of rt.
func (rt *Runtime) GetActor(name string) (*Actor, error) {
	rt.mu.Lock()
	a := rt.actors[name]
	rt.mu.Unlock()
	if a != nil {
		return a, nil
	}
	if a, err := rt.clusterActor(name); a != nil || err != nil {
		return a, err
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	names := make([]string, 0, len(rt.actors))
	for n := range rt.actors {
		names = append(names, fmt.Sprintf("%q", n))
	}
	if len(names) == 0 {
		return nil, invalidf("ray.GetActor: no actor named %q (no named actors exist; create one with ray.ActorName)", name)
	}
	sort.Strings(names)
	return nil, invalidf("ray.GetActor: no actor named %q (named actors: %s)", name, strings.Join(names, ", "))
}

// Kill kills the actor: its calls still queued fail at once, calls running
// fail as they are (their code goes on until it returns, keeping the actor's
// resources until then, and its result is discarded), and later calls fail at
// once, all with an *ActorDiedError matching ErrActorDied. Its name is free
// again. Killing a dead actor, or a nil one, does nothing.
func Kill(a *Actor) {
	if a != nil {
		if err := a.bind(); err != nil && a.rt == nil {
			return
		}
		a.die(&ActorDiedError{Actor: a.label, Reason: "it was killed by ray.Kill"})
	}
}

// Name returns the name given with ActorName, or "".
func (a *Actor) Name() string { return a.name }

// String returns "Actor(name)", the name being the label shown in the timeline.
func (a *Actor) String() string { return "Actor(" + a.label + ")" }

// Remote submits a call of the actor and returns at once a ref to its result.
// fn is a function whose first parameter (after an optional context.Context,
// supplied by the runtime) receives the actor's state: the type the
// constructor returns, or a pointer to it (the call then changes the state
// itself even when the constructor returns a struct). The other parameters
// take args, with the contract of RemoteFunction.Remote: arguments are
// copied, and top-level ObjectRef arguments are waited for and replaced by
// copies of their values. The state is never copied; the results are, as a
// task's are. Calls of an actor that died fail with an *ActorDiedError.
// Remote panics with an error wrapping ErrInvalidCall if fn does not fit the
// actor's state or args do not fit fn.
func (a *Actor) Remote(fn any, args ...any) ObjectRef {
	r, err := a.Submit(fn, args...)
	if err != nil {
		panic(err)
	}
	return r
}

// Submit is Remote returning an error instead of panicking.
func (a *Actor) Submit(fn any, args ...any) (ObjectRef, error) {
	if a == nil {
		return ObjectRef{}, invalidf("Remote on a nil *Actor")
	}
	if err := a.bind(); err != nil {
		return ObjectRef{}, err
	}
	f, err := a.callFunc(fn)
	if err != nil {
		return ObjectRef{}, err
	}
	t, err := f.submit(args)
	if err != nil {
		return ObjectRef{}, err
	}
	return ObjectRef{t.outs[0]}, nil
}

// callKey identifies the call functions that share what a RemoteFunction
// derives from its func value (parameters, results, name): functions of one
// type and code. Only the func value itself differs, and is set per call.
type callKey struct {
	t  reflect.Type
	pc uintptr
}

// callFunc returns the RemoteFunction of a call of fn, from a template
// cached per function type and code.
func (a *Actor) callFunc(fn any) (*RemoteFunction, error) {
	v := reflect.ValueOf(fn)
	if v.Kind() == reflect.Func && !v.IsNil() {
		if tmpl, ok := a.calls.Load(callKey{v.Type(), v.Pointer()}); ok {
			f := *tmpl.(*RemoteFunction)
			f.fn = v
			return &f, nil
		}
	}
	f, err := a.newCallFunc(fn)
	if err != nil {
		return nil, err
	}
	tmpl := *f
	tmpl.fn = reflect.Value{} // set per call; keep no closure alive
	a.calls.Store(callKey{v.Type(), v.Pointer()}, &tmpl)
	return f, nil
}

func (a *Actor) newCallFunc(fn any) (*RemoteFunction, error) {
	f, err := newRemote(a.rt, fn)
	if err != nil {
		return nil, fmt.Errorf("%v.Remote: %w", a, err)
	}
	i := 0
	if f.takesCtx {
		i = 1
	}
	if a.typ == nil { // a handle from another process: the actor's worker checks fn
		if f.ft.NumIn() <= i {
			return nil, invalidf("%v.Remote: fn must take the actor's state as its first parameter; got %s", a, f.ft)
		}
	} else if f.ft.NumIn() <= i || (f.variadic && f.ft.NumIn() == i+1) {
		return nil, invalidf("%v.Remote: fn must take the actor's state (%s or %s) as its first parameter; got %s", a, a.typ, reflect.PointerTo(a.typ), f.ft)
	}
	switch p := f.ft.In(i); {
	case a.typ == nil:
	case p == reflect.PointerTo(a.typ):
		f.statePtr = true
	case a.typ.AssignableTo(p):
	default:
		return nil, invalidf("%v.Remote: fn's first parameter is %s, but the actor's state is %s (take %s or %s)", a, p, a.typ, a.typ, reflect.PointerTo(a.typ))
	}
	f.state, f.actor = true, a
	f.name = a.label
	f.opts = taskOptions{numReturns: 1}
	return f, nil
}
