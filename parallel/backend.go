package parallel

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// This file is the seam between a Runtime and a cluster backend: with
// Address, a runtime sends the tasks of its RemoteFunctions to a Backend
// instead of running them on its own goroutines. The package knows no
// transport; an embedding program registers a Dialer (package cluster
// provides one for NATS JetStream).

// Address connects the runtime to the cluster at addr (for example
// "nats://127.0.0.1:4222") through the Dialer registered with SetDialer:
// from then on the runtime's tasks run on the cluster's workers, and Get,
// GetAll, Wait and refs work as before; if the backend is an ActorBackend,
// each actor NewActor creates lives on one of the workers (see
// ActorBackend), else actors run in the calling process. Given to Init on a running runtime that is not connected, it
// connects it (tasks already submitted finish where they are); naming
// another address than the one connected to is an error. Without Address a
// runtime runs everything in its own process.
func Address(addr string) Option {
	return func(c *config) { c.address, c.addressSet = addr, true }
}

// WithBackend connects the runtime to b directly, without a Dialer; addr
// names the cluster in errors and for Address. A cluster worker uses it so
// that the tasks its tasks submit go to the cluster.
func WithBackend(addr string, b Backend) Option {
	return func(c *config) { c.address, c.addressSet, c.backend = addr, true, b }
}

// A Dialer connects a runtime to the cluster at addr.
type Dialer func(addr string) (Backend, error)

var globalDialer atomic.Pointer[Dialer]

// SetDialer installs d as the way runtimes created or reconfigured with
// Address reach their cluster. A nil d removes it; Address then fails.
func SetDialer(d Dialer) {
	if d == nil {
		globalDialer.Store(nil)
		return
	}
	globalDialer.Store(&d)
}

// A Backend runs the tasks of a connected Runtime elsewhere. Its methods may
// be called concurrently.
type Backend interface {
	// Prepare is called when a task is submitted, with t's identity,
	// function, results and resources set but not its Args: an error means
	// the task cannot run on the cluster (its function cannot be shipped,
	// no worker could ever hold its resources) and is the submit's error.
	// The backend may keep what it computed in t.Code.
	Prepare(t *RemoteTask) error
	// Submit sends t, whose arguments are ready, and returns at once; the
	// backend calls t.Done exactly once when the task has finished (or
	// could not run), unless the backend was closed first.
	Submit(t *RemoteTask) error
	// Close disconnects; it is called by Shutdown after the runtime's
	// unfinished tasks were cancelled.
	Close() error
}

// A ResourceReporter is a Backend that knows its cluster's resources: a
// connected Runtime's ClusterResources and AvailableResources report them
// instead of its own.
type ResourceReporter interface {
	// Resources returns the totals of the cluster's workers, "CPU"
	// included, and what they have free (as recently as the backend knows).
	Resources() (total, free map[string]float64)
}

// An Ender is a Backend told, at the start of Shutdown, before the
// runtime cancels its unfinished tasks, that its session ends: it may keep
// the cluster from starting the session's queued tasks first (a CPU a
// cancelled task frees must not start one of them). Ending must not block
// for long; Close follows.
type Ender interface {
	Ending()
}

// A Canceller is a Backend that can stop a task it was given: a connected
// Runtime calls Cancel when Cancel, CancelGroup or Shutdown ends a
// RemoteTask before its result came. The task's refs have already failed;
// the backend need not call Done. Cancel must not block.
type Canceller interface {
	Cancel(t *RemoteTask)
}

// A Releaser is a Backend that can free the cluster's copy of a task's
// results: a connected Runtime calls Release with a RemoteTask's ID once no
// ref to the task's results (and no task waiting for them) is left in the
// process. It is called from a cleanup goroutine and must not block.
type Releaser interface {
	Release(id uint64)
	// ReleaseObject is Release for a Put object that was an argument of
	// a RemoteTask (RemoteArg.Object, not Remote): the process holds no
	// ref to it any more.
	ReleaseObject(id uint64)
}

// A RemoteTask is a task a Runtime hands to its Backend.
type RemoteTask struct {
	ID       uint64 // the task's id in the submitting runtime
	Name     string // the task name (TaskName, else the function's name)
	Function string // the function's name
	Group    string // the task's group (the notebook cell)
	Func     reflect.Value
	// Outs are the ids of the objects the task resolves, one per ref the
	// caller holds (none with NumReturns(0), then the result is dropped).
	// An id names the object cluster-wide together with the backend's own
	// identity; RemoteArg.Object refers to the same ids.
	Outs []uint64
	// Results are the types of the function's results without a trailing
	// error; Done's Values hold one value of each.
	Results []reflect.Type
	Args    []RemoteArg
	CPUs    float64            // CPUs the task holds while it runs
	Res     map[string]float64 // custom resources it holds
	// MaxRetries is the MaxRetries option, or -1 if it was not given (Ray
	// then retries system failures 3 times).
	MaxRetries      int
	RetryExceptions bool
	// Code is the backend's own, set by Prepare (for example how a worker
	// finds the function).
	Code any
	// Actor is set for the constructor and the calls of an actor placed
	// on the cluster (see ActorBackend); Call tells a call.
	Actor *RemoteActor
	Call  bool

	done func(RemoteResult)
}

// A RemoteArg is one argument of a RemoteTask.
type RemoteArg struct {
	// Value is the argument, of the parameter's type (for a ref argument,
	// the ref's value as this process has it). It is the zero Value for a
	// Remote object with Index >= 0, of a parameter that is not an
	// interface, whose value the backend gave as Lazy: the backend passes
	// such an argument by reference.
	Value reflect.Value
	// Object is the id of the object a ref argument refers to, else 0.
	Object uint64
	// Remote reports that Object was made by a task this runtime sent to
	// the backend, so the cluster holds its value and the backend can pass
	// it by reference. Otherwise (a Put object) a backend may upload Value
	// once and refer to it by Object afterwards.
	Remote bool
	// Task is the RemoteTask.ID of the task that made a Remote object, and
	// Index which of its results the object is, or -1 when the object is
	// not one result (a task with no results, or several under one ref).
	Task  uint64
	Index int
}

// A RemoteResult is what a Backend reports when a RemoteTask has ended.
type RemoteResult struct {
	// Values holds one value per RemoteTask.Results when Err is nil.
	Values []any
	// Err is why the task failed: the error its code returned or panicked
	// with (as the worker reported it), or a system failure (a worker died
	// and the retries are used up, the value could not be encoded, ...).
	Err     error
	Stack   []string // the failing task's frames, as in TaskError
	Attempt int      // the attempt that ended, 0 for the first
	// Span is when and where the last attempt ran, for the timeline; nil
	// if it did not run.
	Span *RemoteSpan
}

// A RemoteSpan places a task's run on a worker process.
type RemoteSpan struct {
	Process    string // the worker's label, for example "host:pid"
	Pid        int    // the worker's process id
	Slot       int    // the row within the worker (its timeline lane)
	Start, End time.Time
}

// Done ends the task with res. Only the first call counts.
func (t *RemoteTask) Done(res RemoteResult) {
	if t.done != nil {
		t.done(res)
	}
}

type backendBox struct {
	b    Backend
	addr string
}

// backend returns rt's backend, nil if rt is not connected.
func (rt *Runtime) backend() Backend {
	if bb := rt.remote.Load(); bb != nil {
		return bb.b
	}
	return nil
}

// Backend returns rt's backend, nil if rt runs its tasks itself.
func (rt *Runtime) Backend() Backend { return rt.backend() }

// connect connects rt to addr unless it is connected there already; b, if
// not nil, is the backend to use instead of dialing.
func (rt *Runtime) connect(addr string, b Backend) error {
	if bb := rt.remote.Load(); bb != nil {
		if bb.addr == addr {
			return nil
		}
		return invalidf("Address(%q): the runtime is connected to %q; call ray.Shutdown first", addr, bb.addr)
	}
	if b == nil {
		d := globalDialer.Load()
		if d == nil {
			return invalidf("Address(%q): this process cannot reach a cluster: no Dialer is registered (a compiled program calls cluster.Register)", addr)
		}
		var err error
		if b, err = (*d)(addr); err != nil {
			return fmt.Errorf("ray: connect to %s: %w", addr, err)
		}
	}
	if !rt.remote.CompareAndSwap(nil, &backendBox{b: b, addr: addr}) {
		_ = b.Close()
		return invalidf("Address(%q): the runtime was connected meanwhile", addr)
	}
	return nil
}

// Local is Remote for tasks that run on rt itself even when rt is connected
// to a cluster: a cluster worker runs the tasks it receives with it. Tasks
// these tasks submit go to the cluster.
func (rt *Runtime) Local(fn any) *RemoteFunction {
	f := rt.Remote(fn)
	f.local = true
	return f
}

// prepareRemote describes t, submitted to a connected runtime, to the
// backend b, which may refuse it.
func (rt *Runtime) prepareRemote(t *task, b Backend) error {
	f := t.f
	rtask := &RemoteTask{ID: t.id, Name: f.name, Function: f.fname, Group: t.group, Func: f.fn,
		CPUs: fromUnits(f.opts.cpu), Res: t.resources(), MaxRetries: f.opts.maxRetries, RetryExceptions: f.opts.retryExc}
	if t.act != nil {
		rtask.Actor, rtask.Call = t.act.rem, t.role == roleCall
	}
	if !f.opts.retriesSet {
		rtask.MaxRetries = -1
	}
	for i := range f.nres {
		rtask.Results = append(rtask.Results, f.ft.Out(i))
	}
	if f.opts.numReturns > 0 {
		for _, o := range t.outs {
			rtask.Outs = append(rtask.Outs, o.id)
		}
	}
	if err := b.Prepare(rtask); err != nil {
		return err
	}
	rtask.done = func(res RemoteResult) { t.remoteDone(res) }
	t.rtask = rtask
	if rel, ok := b.(Releaser); ok {
		// t is reachable from each of its refs (as their producer) and from
		// the tasks that take them, so it is unreachable only when they are.
		runtime.AddCleanup(t, rel.Release, t.id)
	}
	return nil
}

// sendRemote hands t, whose dependencies are met, to the backend.
func (rt *Runtime) sendRemote(t *task, b Backend) {
	f, rtask := t.f, t.rtask
	t.mu.Lock()
	args, deps := t.args, t.deps
	t.mu.Unlock()
	rtask.Args = make([]RemoteArg, len(args))
	for i, a := range args {
		rtask.Args[i].Value = a
	}
	for _, d := range deps {
		if d.obj.err != nil {
			t.finish(nil, newInputError(t, d.arg, d.obj))
			return
		}
		ra := RemoteArg{Object: d.obj.id, Remote: d.obj.remote, Index: -1}
		if rel, ok := b.(Releaser); ok && !d.obj.remote && d.obj.watched.CompareAndSwap(false, true) {
			runtime.AddCleanup(d.obj, rel.ReleaseObject, d.obj.id)
		}
		if p := d.obj.producer; ra.Remote && p != nil {
			ra.Task = p.id
			switch {
			case len(p.outs) > 1:
				for i, o := range p.outs {
					if o == d.obj {
						ra.Index = i
					}
				}
			case p.f.nres == 1:
				ra.Index = 0
			}
		}
		if pt := f.paramType(d.arg); !d.obj.byReference(ra, pt) {
			val, err := d.obj.value()
			if err != nil {
				t.finish(nil, newTaskError(t, fmt.Errorf("%s: argument %d (from %v): %w", f.name, d.arg, ObjectRef{d.obj}, err), nil))
				return
			}
			v, err := convertArg(val, pt)
			if err != nil {
				t.finish(nil, newTaskError(t, invalidf("%s: argument %d (from %v): %w", f.name, d.arg, ObjectRef{d.obj}, err), nil))
				return
			}
			ra.Value = v
		}
		rtask.Args[d.arg] = ra
	}
	rtask.done = func(res RemoteResult) { t.remoteDone(res) }
	t.mu.Lock()
	t.begin = rt.since()
	t.mu.Unlock()
	if err := b.Submit(rtask); err != nil {
		t.finish(nil, newTaskError(t, err, nil))
	}
}

// remoteDone ends t, sent to a backend, with res.
func (t *task) remoteDone(res RemoteResult) {
	t.mu.Lock()
	t.attempt = res.Attempt
	t.span = res.Span
	t.mu.Unlock()
	if res.Err != nil {
		t.finish(nil, newTaskError(t, res.Err, res.Stack))
		return
	}
	if len(res.Values) != t.f.nres && t.role != roleCtor { // an actor's state stays on its worker
		t.finish(nil, newTaskError(t, fmt.Errorf("ray: the cluster returned %d values for %d results", len(res.Values), t.f.nres), nil))
		return
	}
	t.finish(res.Values, nil)
}

// remoteEvent is the timeline event of t's run on a worker.
func (rt *Runtime) remoteEvent(t *task, s *RemoteSpan, attempt int, failed bool) event {
	return t.event(event{kind: evTask, lane: s.Slot, start: s.Start.Sub(rt.start), end: s.End.Sub(rt.start),
		attempt: attempt, failed: failed, pid: s.Pid, proc: s.Process})
}

// Lazy returns a value for RemoteResult.Values that load computes the
// first time this process reads it (Get, GetAll, or a task or actor call
// of this process taking the ref), not when the task ends: a backend
// returns it for a large result that the process may only hand on to
// other remote tasks, which the backend passes by reference (see
// RemoteArg.Value). load is called at most once; its error is the error
// of the read that needed the value.
func Lazy(load func() (any, error)) any { return &lazyValue{load: load} }

type lazyValue struct {
	once sync.Once
	load func() (any, error)
	val  any
	err  error
}

func (l *lazyValue) get() (any, error) {
	l.once.Do(func() {
		l.val, l.err = l.load()
		l.load = nil
	})
	return l.val, l.err
}

// value returns o's value (set before o is ready), loading it if the
// backend gave it as Lazy.
func (o *object) value() (any, error) {
	if l, ok := o.val.(*lazyValue); ok {
		return l.get()
	}
	return o.val, nil
}

// byReference reports whether a backend passes o to a remote task as an
// argument of type pt by reference without its value: o is a lazy result
// of a remote task (its Index known) and pt is not an interface.
func (o *object) byReference(ra RemoteArg, pt reflect.Type) bool {
	_, lazy := o.val.(*lazyValue)
	return lazy && ra.Remote && ra.Index >= 0 && pt.Kind() != reflect.Interface
}
