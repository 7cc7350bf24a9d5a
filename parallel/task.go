package parallel

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"
)

type dep struct {
	arg int // index in args
	obj *object
}

type task struct {
	rt      *Runtime
	id      uint64
	f       *RemoteFunction
	group   string
	args    []reflect.Value
	deps    []dep
	outs    []*object
	out0    [1]*object
	obj0    object       // the first output, allocated with the task
	res1    [1]any       // results of a single-result call
	pending atomic.Int32 // unmet dependencies + 1 while submitting
	act     *Actor       // the actor of a constructor or call, else nil
	role    uint8        // roleTask, roleCtor or roleCall
	remote  bool         // sent to the runtime's backend (set before the task is shared)
	rtask   *RemoteTask  // what the backend gets, if remote

	done atomic.Bool // set once, by finish

	// Guarded by rt.mu.
	holding bool
	started bool
	retired bool  // resources, lane and live-list entry given up (see retireLocked)
	keep    bool  // an actor's constructor that succeeded: its resources pass to the actor
	prev    *task // list of unfinished tasks
	next    *task
	lane    int
	resume  chan struct{}

	// Guarded by mu.
	mu       sync.Mutex
	attempt  int
	children []*task
	cancelFn context.CancelFunc
	begin    time.Duration // since rt.start
	span     *RemoteSpan   // where a remote task ran, once it has
}

// Task roles.
const (
	roleTask uint8 = iota // a task of a RemoteFunction
	roleCtor              // an actor's constructor
	roleCall              // an actor call
)

func (t *task) isDone() bool { return t.done.Load() }

func (t *task) info() TaskInfo {
	t.mu.Lock()
	a := t.attempt
	t.mu.Unlock()
	return TaskInfo{ID: t.id, Name: t.f.name, Function: t.f.fname, Group: t.group, Attempt: a}
}

// depReady is called when one dependency of t resolved.
func (t *task) depReady(o *object) {
	if o.err != nil {
		t.failInput(o)
		return
	}
	if t.pending.Add(-1) == 0 && !t.isDone() {
		t.ready()
	}
}

// ready makes t, whose dependencies are met, eligible to start: a task
// joins the runtime's queue, an actor call its actor's.
func (t *task) ready() {
	if t.role == roleCall {
		t.act.dispatch(nil)
		return
	}
	if t.remote {
		if b := t.rt.backend(); b != nil {
			t.rt.sendRemote(t, b)
			return
		}
	}
	t.rt.enqueue(t)
}

// resources returns t's custom resource request, nil if none.
func (t *task) resources() map[string]float64 {
	if len(t.f.opts.res) == 0 {
		return nil
	}
	m := make(map[string]float64, len(t.f.opts.res))
	for k, v := range t.f.opts.res {
		m[k] = fromUnits(v)
	}
	return m
}

// failInput ends t without running it because its input o failed.
func (t *task) failInput(o *object) {
	idx := -1
	t.mu.Lock()
	deps := t.deps
	t.mu.Unlock()
	for _, d := range deps {
		if d.obj == o {
			idx = d.arg
			break
		}
	}
	t.finish(nil, newInputError(t, idx, o))
}

// run executes t on worker w; t holds its resources. It reports whether t
// was finished by someone else (cancelled) while w had it: the worker must
// then give up t's resources itself (see bodyEnd), since a cancelled task
// keeps them until its code returns.
func (t *task) run(w *worker) (lost bool) {
	t.mu.Lock()
	if t.isDone() { // cancelled between dispatch and now: never runs
		t.mu.Unlock()
		return true
	}
	t.begin = t.rt.since()
	args, deps := t.args, t.deps
	t.mu.Unlock()

	args, err := t.resolveArgs(args, deps)
	if err != nil {
		return !t.finishOn(w, nil, err)
	}
	var prev []*TaskError // failures of earlier attempts
	for {
		info := t.info()
		host := t.rt.currentHost()
		if host != nil {
			host.Enter(info)
			if t.isDone() { // cancelled while the host held it back: never runs
				host.Exit(info)
				return true
			}
		}
		vals, err := t.call(args, host, info)
		if host != nil {
			host.Exit(info)
		}
		te, _ := err.(*TaskError)
		if err == nil || te == nil || t.isDone() || !t.f.opts.retryExc || info.Attempt >= t.f.opts.maxRetries {
			if te != nil {
				te.Previous = prev
			}
			return !t.finishOn(w, vals, err)
		}
		prev = append(prev, te)
		t.retry()
	}
}

// retry records the failed attempt of t in the timeline and starts the next.
func (t *task) retry() {
	rt := t.rt
	now := rt.since()
	t.mu.Lock()
	begin, attempt := t.begin, t.attempt
	t.attempt++
	t.begin = now
	t.mu.Unlock()
	if rt.trace.on() {
		rt.mu.Lock()
		lane := t.lane
		rt.mu.Unlock()
		rt.trace.add(t.event(event{kind: evTask, lane: lane, start: begin, end: now, attempt: attempt, failed: true, retried: true}))
	}
}

// resolveArgs substitutes the values of top-level ObjectRef arguments.
func (t *task) resolveArgs(args []reflect.Value, deps []dep) ([]reflect.Value, error) {
	if len(deps) > 0 || t.f.takesCtx || t.f.state {
		args = append([]reflect.Value(nil), args...)
	}
	for _, d := range deps {
		if d.obj.err != nil {
			return nil, newInputError(t, d.arg, d.obj)
		}
		val, err := d.obj.value()
		if err != nil {
			return nil, newTaskError(t, fmt.Errorf("%s: argument %d (from %v): %w", t.f.name, d.arg, ObjectRef{d.obj}, err), nil)
		}
		v, err := convertArg(val, t.f.paramType(d.arg))
		if err != nil {
			return nil, newTaskError(t, invalidf("%s: argument %d (from %v): %w", t.f.name, d.arg, ObjectRef{d.obj}, err), nil)
		}
		args[d.arg] = copyValue(v) // each reader gets its own copy
	}
	if t.f.state { // an actor call: the state, never copied
		args = append([]reflect.Value{t.act.stateArg(t.f)}, args...)
	}
	if t.f.takesCtx {
		ctx, cancel := context.WithCancel(context.Background())
		t.mu.Lock()
		t.cancelFn = cancel
		t.mu.Unlock()
		if t.isDone() { // cancelled before the context existed
			cancel()
		}
		args = append([]reflect.Value{reflect.ValueOf(ctx)}, args...)
	}
	return args, nil
}

// call runs the function once and converts its results or panic.
func (t *task) call(args []reflect.Value, host Host, info TaskInfo) (vals []any, err error) {
	returned := false
	defer func() {
		if returned {
			return
		}
		v := recover()
		if v == nil { // runtime.Goexit (t.FailNow in a test): the worker ends here
			if host != nil {
				host.Exit(info)
			}
			if !t.finishOn(nil, nil, newTaskError(t, errGoexit, userFrames(3))) {
				t.rt.bodyEnd(t, nil) // cancelled meanwhile: give up its resources now
			}
			return
		}
		vals, err = nil, newPanicError(t, v, host)
	}()
	out := t.f.fn.Call(args)
	returned = true
	f := t.f
	if f.hasErr {
		if e := out[len(out)-1]; !e.IsNil() {
			cause, _ := e.Interface().(error)
			return nil, newTaskError(t, cause, f.entryFrames())
		}
		out = out[:len(out)-1]
	}
	// The object store keeps its own copy: the task may keep (and change)
	// what it returned, for example a slice it also stored in a variable.
	if t.role == roleCtor { // the actor's state: kept, not copied
		t.res1[0] = out[0].Interface()
		return t.res1[:], nil
	}
	if len(out) == 1 {
		t.res1[0] = copyValue(out[0]).Interface()
		return t.res1[:], nil
	}
	vals = make([]any, len(out))
	for i, v := range out {
		vals[i] = copyValue(v).Interface()
	}
	return vals, nil
}

// finish resolves t's outputs with its results or err, exactly once, and,
// unless t's code is running, releases everything t holds. It reports
// whether this call finished t. Only a task that never started, or a
// canceller, calls it: the task's own goroutine calls finishOn.
func (t *task) finish(vals []any, err error) bool {
	if !t.done.CompareAndSwap(false, true) {
		return false
	}
	t.complete(nil, false, vals, err)
	return true
}

// finishOn is finish called on t's own goroutine as its code has returned
// (w is its worker, which may take the next task; nil when the goroutine
// ends): t's resources are released now.
func (t *task) finishOn(w *worker, vals []any, err error) bool {
	if !t.done.CompareAndSwap(false, true) {
		return false
	}
	t.complete(w, true, vals, err)
	return true
}

// complete does the work of finish once t.done has been set by the caller.
// bodyOver says t's code is no longer running; if it is, t keeps its
// resources and its timeline row until bodyEnd.
func (t *task) complete(self *worker, bodyOver bool, vals []any, err error) {
	rt := t.rt
	now := rt.since()
	t.mu.Lock()
	cancel := t.cancelFn
	t.children = nil
	t.args, t.deps = nil, nil // let inputs be collected while the outputs live
	begin, attempt, span := t.begin, t.attempt, t.span
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	if t.role == roleCtor {
		t.act.ctorDone(t, vals, err)
	}

	rt.mu.Lock()
	started, lane := t.started, t.lane
	retired := false
	if !started || bodyOver {
		retired = rt.retireLocked(t)
		rt.dispatchLocked(self)
	}
	rt.mu.Unlock()
	if retired && t.act != nil {
		defer t.act.callEnded(t, t.role == roleCall && started, self)
	}

	if retired && rt.trace.on() && span != nil {
		rt.trace.add(rt.remoteEvent(t, span, attempt, err != nil))
	} else if retired && rt.trace.on() {
		kind := evTask
		if !started || begin == 0 {
			kind, begin = evNotRun, now
		}
		rt.trace.add(t.event(event{kind: kind, lane: lane, start: begin, end: now, attempt: attempt, failed: err != nil,
			cancelled: errors.Is(err, ErrCancelled)}))
	}

	switch {
	case err != nil:
		for _, o := range t.outs {
			o.resolve(nil, err)
		}
	case len(t.outs) > 1:
		for i, o := range t.outs {
			o.resolve(vals[i], nil)
		}
	default:
		var v any
		switch len(vals) {
		case 0:
		case 1:
			v = vals[0]
		default:
			v = vals
		}
		t.outs[0].resolve(v, nil)
	}
}

// retireLocked gives up, once, what t holds in the runtime: its resources,
// its timeline row and its entry in the list of unfinished tasks. It reports
// whether this call did it.
func (rt *Runtime) retireLocked(t *task) bool {
	if t.retired {
		return false
	}
	t.retired = true
	if t.keep { // the actor holds them from now on
		t.holding = false
		t.act.holds = true
	}
	rt.releaseLocked(t)
	rt.unlinkLocked(t)
	switch {
	case !t.started:
	case t.act != nil:
		t.act.slots[t.lane] = false
		if t.role == roleCall {
			t.act.bodies--
		}
	default:
		rt.lanes[t.lane] = false
	}
	if t.act != nil {
		t.act.releaseIfIdleLocked()
	}
	return true
}

// bodyEnd is called on the goroutine of t, finished (cancelled) while its
// code ran, once that code has returned: t gives up its resources only now,
// so cancelled tasks never let more than NumCPUs of code run at once. The
// timeline shows t's bar up to here, marked cancelled. self is the worker,
// which may take the next task, or nil.
func (rt *Runtime) bodyEnd(t *task, self *worker) {
	now := rt.since()
	t.mu.Lock()
	begin, attempt := t.begin, t.attempt
	t.mu.Unlock()
	rt.mu.Lock()
	lane := t.lane
	retired := rt.retireLocked(t)
	rt.dispatchLocked(self)
	rt.mu.Unlock()
	if retired && t.act != nil {
		defer t.act.callEnded(t, t.role == roleCall, self)
	}
	if retired && rt.trace.on() {
		kind := evTask
		if begin == 0 { // cancelled between its dispatch and its start
			kind, begin = evNotRun, now
		}
		rt.trace.add(t.event(event{kind: kind, lane: lane, start: begin, end: now, attempt: attempt, failed: true, cancelled: true}))
	}
}

// cancel ends t as cancelled with cause if it has not finished: a queued task
// never runs, a running task has its context cancelled and its result
// discarded. With recursive, the tasks t submitted are cancelled too.
func (t *task) cancel(cause error, recursive bool) bool {
	return cancelTasks([]*task{t}, cause, recursive) == 1
}

// cancelTasks cancels ts as one step: all are marked finished before any
// gives back its resources, so none of them starts in between. It returns
// how many of ts it cancelled (not counting descendants).
func cancelTasks(ts []*task, cause error, recursive bool) int {
	claimed := ts[:0:0]
	for _, t := range ts {
		if t.done.CompareAndSwap(false, true) {
			claimed = append(claimed, t)
		}
	}
	var children []*task
	for _, t := range claimed {
		if recursive {
			t.mu.Lock()
			children = append(children, t.children...)
			t.mu.Unlock()
		}
		t.complete(nil, false, nil, newCancelError(t, cause))
		if t.remote {
			if c, ok := t.rt.backend().(Canceller); ok {
				c.Cancel(t.rtask)
			}
		}
	}
	if len(children) > 0 {
		cancelTasks(children, cause, true)
	}
	return len(claimed)
}

// blockIn is called by Get, GetAll and Wait on a task's goroutine before it
// blocks: the host is told the task stops running code and its resources are
// given back. The returned func undoes it after the wait.
func (t *task) blockIn(kind eventKind) func() {
	host := t.rt.currentHost()
	info := t.info()
	info.Blocking = true
	if host != nil {
		host.Exit(info)
	}
	t.rt.block(t)
	begin := t.rt.since()
	return func() {
		end := t.rt.since()
		t.rt.unblock(t)
		rt := t.rt
		if rt.trace.on() {
			rt.mu.Lock()
			lane := t.lane
			rt.mu.Unlock()
			rt.trace.add(t.event(event{kind: kind, lane: lane, start: begin, end: end, attempt: info.Attempt}))
		}
		if host != nil {
			host.Enter(info)
		}
	}
}

// addChildLocked records c as submitted by t (for recursive Cancel), first
// dropping finished children when the list is full, so a long-running task
// submitting many tasks keeps only the unfinished ones.
func (t *task) addChildLocked(c *task) {
	if n := len(t.children); n >= 64 && n == cap(t.children) {
		kept := t.children[:0]
		for _, x := range t.children {
			if !x.isDone() {
				kept = append(kept, x)
			}
		}
		clear(t.children[len(kept):])
		t.children = kept
	}
	t.children = append(t.children, c)
}
