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
	maxConc int
	cpu     int64
	res     map[string]int64
}

// ActorName registers the actor under name in its runtime, so that GetActor
// finds it from any cell or task. The name is free again once the actor is
// killed; creating an actor under the name of a live actor fails.
func ActorName(name string) ActorOption {
	return func(o *actorOptions) error {
		if name == "" {
			return invalidf("ActorName must not be empty")
		}
		o.name = name
		return nil
	}
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

	mu     sync.Mutex
	ready  bool  // the constructor returned the state
	dead   error // the *ActorDiedError, once dead
	active int   // calls chosen to run whose code has not returned
	queues map[*task]*callQueue

	// Guarded by rt.mu.
	killed bool   // dead (set by die, under rt.mu)
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
// constructor. It panics with an error wrapping ErrInvalidCall if ctor is not
// such a function, an option is invalid, the resources can never be met, or
// ActorName names a live actor.
func NewActor(ctor any, opts ...ActorOption) *Actor {
	rt := Default()
	if t := currentTask(); t != nil {
		rt = t.rt
	}
	return rt.NewActor(ctor, opts...)
}

// NewActor is like the package-level NewActor, for an actor of rt.
func (rt *Runtime) NewActor(ctor any, opts ...ActorOption) *Actor {
	a, err := rt.newActor(ctor, opts)
	if err != nil {
		panic(err)
	}
	return a
}

func (rt *Runtime) newActor(ctor any, opts []ActorOption) (*Actor, error) {
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
	setGroup(t, currentTask(), rt)

	rt.mu.Lock()
	if err := rt.feasibleLocked(&f.opts); err != nil {
		rt.mu.Unlock()
		return nil, fmt.Errorf("ray.NewActor %s: %w", a.label, err)
	}
	if o.name != "" {
		if old := rt.actors[o.name]; old != nil && !old.isDead() {
			rt.mu.Unlock()
			return nil, invalidf("ray.NewActor: an actor named %q exists; use ray.GetActor(%q), or ray.Kill it first", o.name, o.name)
		}
		if rt.actors == nil {
			rt.actors = map[string]*Actor{}
		}
		rt.actors[o.name] = a
	}
	rt.allActors = append(rt.allActors, a)
	rt.linkLocked(t)
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
// the default runtime (the calling task's runtime inside a task), or an
// error wrapping ErrInvalidCall that says no actor has that name. An actor
// whose constructor failed is returned: its calls report why it died.
func GetActor(name string) (*Actor, error) {
	rt := Default()
	if t := currentTask(); t != nil {
		rt = t.rt
	}
	return rt.GetActor(name)
}

// GetActor is like the package-level GetActor, for the actors of rt.
func (rt *Runtime) GetActor(name string) (*Actor, error) {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if a := rt.actors[name]; a != nil {
		return a, nil
	}
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
		a.die(&ActorDiedError{Actor: a.label, Reason: "it was killed by ray.Kill"})
	}
}

// Name returns the name given with ActorName, or "".
func (a *Actor) Name() string { return a.name }

// String returns "Actor(name)", the name being the label shown in the timeline.
func (a *Actor) String() string { return "Actor(" + a.label + ")" }

func (a *Actor) isDead() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.dead != nil
}

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
	if f.ft.NumIn() <= i || (f.variadic && f.ft.NumIn() == i+1) {
		return nil, invalidf("%v.Remote: fn must take the actor's state (%s or %s) as its first parameter; got %s", a, a.typ, reflect.PointerTo(a.typ), f.ft)
	}
	switch p := f.ft.In(i); {
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

// dispatch starts the calls that may start (see the scheduling rules above).
func (a *Actor) dispatch() {
	var start []*task
	a.mu.Lock()
	for a.ready && a.dead == nil && a.active < a.opts.maxConc {
		t := a.nextLocked()
		if t == nil {
			break
		}
		a.active++
		start = append(start, t)
	}
	a.mu.Unlock()
	if len(start) == 0 {
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
		rt.startLocked(t, nil)
	}
	rt.mu.Unlock()
	if skipped > 0 {
		a.mu.Lock()
		a.active -= skipped
		a.mu.Unlock()
		a.dispatch()
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
// started says whether t's code ran. A constructor that returned the state
// makes the actor ready.
func (a *Actor) callEnded(t *task, started bool) {
	a.mu.Lock()
	switch {
	case t.role == roleCtor:
		a.ready = a.dead == nil && a.store.IsValid()
	case started:
		a.active--
	}
	a.mu.Unlock()
	a.dispatch()
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
	if t == nil || t.role != roleCall || t.act != p.act || p.act.opts.maxConc != 1 {
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

// actorCPUsLocked returns the CPUs (in units) held by rt's live actors.
func (rt *Runtime) actorCPUsLocked() (held int64, by string) {
	for _, a := range rt.allActors {
		if a.holds && a.opts.cpu > 0 {
			held += a.opts.cpu
			by = a.label
		}
	}
	return held, by
}
