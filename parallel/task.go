package parallel

import (
	"context"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/petermattis/goid"
)

// running maps a goroutine id to the task whose code it runs. It lets Get
// find the calling task (to give back its CPUs while blocked) and lets Remote
// find the parent of a nested task, at ~2 ns per lookup of the goroutine id.
var running sync.Map // int64 -> *task

// currentTask returns the task run by the calling goroutine, or nil.
func currentTask() *task {
	if v, ok := running.Load(goid.Get()); ok {
		return v.(*task)
	}
	return nil
}

type taskKey struct{}

// taskFromContext returns the task carried by a context given to a task function.
func taskFromContext(ctx context.Context) *task {
	if ctx == nil {
		return nil
	}
	t, _ := ctx.Value(taskKey{}).(*task)
	return t
}

type dep struct {
	arg int // index in args
	obj *object
}

type task struct {
	rt      *Runtime
	id      uint64
	f       *RemoteFunction
	opts    *taskOptions
	name    string
	group   string
	parent  *task
	args    []reflect.Value
	deps    []dep
	outs    []*object
	pending atomic.Int32 // unmet dependencies + 1 while submitting

	done atomic.Bool // set once, by finish

	// Guarded by rt.mu.
	holding bool
	started bool
	lane    int
	resume  chan struct{}

	// Guarded by mu.
	mu       sync.Mutex
	attempt  int
	children []*task
	cancelFn context.CancelFunc
	begin    time.Time
}

func (t *task) isDone() bool { return t.done.Load() }

func (t *task) info() TaskInfo {
	t.mu.Lock()
	a := t.attempt
	t.mu.Unlock()
	return TaskInfo{ID: t.id, Name: t.name, Function: t.f.name, Group: t.group, Attempt: a}
}

// depReady is called when one dependency of t resolved.
func (t *task) depReady(o *object) {
	if o.err != nil {
		t.failInput(o)
		return
	}
	if t.pending.Add(-1) == 0 && !t.isDone() {
		t.rt.enqueue(t)
	}
}

// failInput ends t without running it because its input o failed.
func (t *task) failInput(o *object) {
	idx := -1
	for _, d := range t.deps {
		if d.obj == o {
			idx = d.arg
			break
		}
	}
	t.finish(nil, newInputError(t, idx, o))
}

// run executes t on its own goroutine; t holds its resources.
func (t *task) run() {
	gid := goid.Get()
	running.Store(gid, t)
	defer running.Delete(gid)

	t.mu.Lock()
	t.begin = time.Now()
	t.mu.Unlock()

	args, err := t.resolveArgs()
	if err != nil {
		t.finish(nil, err)
		return
	}
	for {
		info := t.info()
		host := t.rt.currentHost()
		if host != nil {
			host.Enter(info)
		}
		vals, err := t.call(args, host)
		if host != nil {
			host.Exit(info)
		}
		if err == nil || t.isDone() || info.Attempt >= t.opts.maxRetries {
			t.finish(vals, err)
			return
		}
		t.mu.Lock()
		t.attempt++
		t.mu.Unlock()
	}
}

// resolveArgs substitutes the values of top-level ObjectRef arguments.
func (t *task) resolveArgs() ([]reflect.Value, error) {
	args := t.args
	if len(t.deps) > 0 || t.f.takesCtx {
		args = make([]reflect.Value, len(t.args))
		copy(args, t.args)
	}
	for _, d := range t.deps {
		if d.obj.err != nil {
			return nil, newInputError(t, d.arg, d.obj)
		}
		v, err := convertArg(d.obj.val, t.f.paramType(d.arg))
		if err != nil {
			return nil, newTaskError(t, invalidf("%s: argument %d (from %v): %w", t.f.name, d.arg, ObjectRef{d.obj}, err), nil)
		}
		args[d.arg] = v
	}
	if t.f.takesCtx {
		ctx, cancel := context.WithCancel(context.WithValue(context.Background(), taskKey{}, t))
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
func (t *task) call(args []reflect.Value, host Host) (vals []any, err error) {
	defer func() {
		if v := recover(); v != nil {
			vals, err = nil, newPanicError(t, v, host)
		}
	}()
	out := t.f.fn.Call(args)
	f := t.f
	if f.hasErr {
		if e := out[len(out)-1]; !e.IsNil() {
			cause, _ := e.Interface().(error)
			return nil, newTaskError(t, cause, f.entryFrames())
		}
		out = out[:len(out)-1]
	}
	vals = make([]any, len(out))
	for i, v := range out {
		vals[i] = v.Interface()
	}
	return vals, nil
}

// finish resolves t's outputs with its results or err, exactly once, and
// releases everything t holds. It reports whether this call finished t.
func (t *task) finish(vals []any, err error) bool {
	if !t.done.CompareAndSwap(false, true) {
		return false
	}
	t.complete(vals, err)
	return true
}

// complete does the work of finish once t.done has been set by the caller.
func (t *task) complete(vals []any, err error) {
	now := time.Now()
	t.mu.Lock()
	cancel := t.cancelFn
	t.children = nil
	begin, attempt := t.begin, t.attempt
	t.mu.Unlock()
	if cancel != nil {
		cancel()
	}

	rt := t.rt
	rt.mu.Lock()
	rt.releaseLocked(t)
	delete(rt.live, t)
	started, lane := t.started, t.lane
	if started {
		rt.lanes[lane] = false
	}
	rt.dispatchLocked()
	rt.mu.Unlock()

	if started && rt.trace != nil {
		rt.trace.add(event{kind: evTask, lane: lane, start: begin.Sub(rt.start), end: now.Sub(rt.start),
			task: t.id, name: t.name, fn: t.f.name, group: t.group, attempt: attempt, failed: err != nil})
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
		t.complete(nil, newCancelError(t, cause))
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
	if host != nil {
		host.Exit(info)
	}
	t.rt.block(t)
	begin := time.Now()
	return func() {
		end := time.Now()
		t.rt.unblock(t)
		rt := t.rt
		if rt.trace != nil {
			rt.mu.Lock()
			lane := t.lane
			rt.mu.Unlock()
			rt.trace.add(event{kind: kind, lane: lane, start: begin.Sub(rt.start), end: end.Sub(rt.start),
				task: t.id, name: t.name, fn: t.f.name, group: t.group, attempt: info.Attempt})
		}
		if host != nil {
			host.Enter(info)
		}
	}
}
