package parallel

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
)

// A TaskOption configures the tasks of a RemoteFunction (see
// RemoteFunction.Options).
type TaskOption func(*taskOptions) error

type taskOptions struct {
	name       string
	cpu        int64
	res        map[string]int64
	numReturns int
	maxRetries int
	retriesSet bool // MaxRetries was given (a cluster retries system failures 3 times otherwise)
	retryExc   bool
}

// TaskName sets the name tasks show in the timeline, in TaskError and to the
// Host. The default is the function's name.
func TaskName(name string) TaskOption {
	return func(o *taskOptions) error { o.name = name; return nil }
}

// TaskCPUs sets how many CPUs each task holds while it runs (default 1).
// Fractions are allowed; 0 means the task is not limited by CPUs.
func TaskCPUs(n float64) TaskOption {
	return func(o *taskOptions) error {
		if n < 0 || math.IsNaN(n) || math.IsInf(n, 0) {
			return invalidf("TaskCPUs must be a non-negative number, got %v", n)
		}
		o.cpu = units(n)
		return nil
	}
}

// TaskResources sets custom resources each task holds while it runs, for
// example {"GPU": 1}. Every name must have been declared with Resources when
// the runtime was created; "CPU" is the same as TaskCPUs.
func TaskResources(r map[string]float64) TaskOption {
	return func(o *taskOptions) error {
		o.res = make(map[string]int64, len(r))
		for k, v := range r {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return invalidf("resource %q must be a non-negative number, got %v", k, v)
			}
			if k == cpuKey {
				o.cpu = units(v)
				continue
			}
			if v > 0 {
				o.res[k] = units(v)
			}
		}
		if len(o.res) == 0 {
			o.res = nil
		}
		return nil
	}
}

// NumReturns makes each call return n refs, one per result of the function
// (not counting a trailing error); use RemoteN to get them. n must equal the
// function's number of results, or be 1 (the default: one ref; a function
// with several results then yields a []any holding them), or 0: as with
// Ray's num_returns=0, the task's results (and failure) are discarded,
// Remote returns the zero ObjectRef and RemoteN an empty slice.
func NumReturns(n int) TaskOption {
	return func(o *taskOptions) error {
		if n < 0 {
			return invalidf("NumReturns must be at least 0, got %d", n)
		}
		o.numReturns = n
		return nil
	}
}

// MaxRetries sets how many times a failed task runs again before it fails
// (default 0). As in Ray, it covers system failures, and application
// failures (a panic or a non-nil error result) only with
// RetryExceptions(true), so that a task that is not idempotent is never
// re-run by surprise. In one process no worker can die, so without
// RetryExceptions(true) no failure is retried: a task fails through its own
// code, or is cancelled (by Cancel, an interrupt, or the host aborting its
// code), and cancelled tasks and tasks whose inputs failed are never
// retried. On a cluster (see Address), a worker process that dies while it
// runs a task is a system failure: the task runs again on another worker up
// to MaxRetries times, or 3 times if MaxRetries was not given (Ray's
// default). The Attempt field of TaskInfo and TaskError counts the runs; a
// TaskError's Previous lists the failures of the earlier attempts, and the
// timeline draws each attempt as its own bar.
func MaxRetries(n int) TaskOption {
	return func(o *taskOptions) error {
		if n < 0 {
			return invalidf("MaxRetries must be >= 0, got %d", n)
		}
		o.maxRetries, o.retriesSet = n, true
		return nil
	}
}

// RetryExceptions makes MaxRetries cover application failures too: with
// on, a task that panics or returns a non-nil error runs again, up to
// MaxRetries times (Ray's retry_exceptions=True). The default is off.
func RetryExceptions(on bool) TaskOption {
	return func(o *taskOptions) error { o.retryExc = on; return nil }
}

// A RemoteFunction submits calls of a function as tasks. It is immutable and
// safe for concurrent use.
type RemoteFunction struct {
	rt       *Runtime // nil: the default runtime (or the caller task's runtime)
	actor    *Actor   // the actor of a call (see state)
	fn       reflect.Value
	ft       reflect.Type
	name     string // task name
	fname    string // function name
	file     string
	line     int
	takesCtx bool
	hasErr   bool
	variadic bool
	state    bool // an actor call: the first parameter after the context is the actor's state
	statePtr bool // ... and takes a pointer to it
	nres     int  // results, not counting a trailing error
	local    bool // run on the runtime itself even when it has a backend (see Runtime.Local)
	opts     taskOptions
}

var (
	ctxType = reflect.TypeFor[context.Context]()
	errType = reflect.TypeFor[error]()
)

// Remote makes fn callable as tasks of the default runtime (the runtime of
// the calling task when called inside a task). fn may be any func value,
// compiled or interpreted. If its first parameter is a context.Context, the
// runtime supplies it (callers pass only the other arguments) and cancels it
// when the task is cancelled. If its last result is an error, a non-nil error
// fails the task and the ref's value is made of the other results.
// Remote panics with an error wrapping ErrInvalidCall if fn is not a function.
func Remote(fn any) *RemoteFunction {
	f, err := newRemote(nil, fn)
	if err != nil {
		panic(err)
	}
	if currentTask() == nil {
		Default()
	}
	return f
}

// Remote is like the package-level Remote, for tasks of rt.
func (rt *Runtime) Remote(fn any) *RemoteFunction {
	f, err := newRemote(rt, fn)
	if err != nil {
		panic(err)
	}
	return f
}

func newRemote(rt *Runtime, fn any) (*RemoteFunction, error) {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return nil, invalidf("ray.Remote needs a function, got %T", fn)
	}
	if v.IsNil() {
		return nil, invalidf("ray.Remote needs a function, got a nil %s", v.Type())
	}
	ft := v.Type()
	f := &RemoteFunction{rt: rt, fn: v, ft: ft, variadic: ft.IsVariadic(), opts: taskOptions{cpu: resUnit, numReturns: 1}}
	f.takesCtx = ft.NumIn() > 0 && ft.In(0) == ctxType
	f.nres = ft.NumOut()
	if f.nres > 0 && ft.Out(f.nres-1) == errType {
		f.hasErr = true
		f.nres--
	}
	f.name = ft.String()
	f.fname = f.name
	if rf := runtime.FuncForPC(v.Pointer()); rf != nil {
		if n := rf.Name(); n != "" && !strings.HasPrefix(n, "reflect.") {
			f.name = n[strings.LastIndex(n, "/")+1:]
			f.fname = f.name
			f.file, f.line = rf.FileLine(v.Pointer())
		}
	}
	return f, nil
}

// Options returns a copy of f whose tasks use opts on top of f's options.
// It panics with an error wrapping ErrInvalidCall if an option is invalid.
func (f *RemoteFunction) Options(opts ...TaskOption) *RemoteFunction {
	g := *f
	if f.opts.res != nil {
		g.opts.res = make(map[string]int64, len(f.opts.res))
		for k, v := range f.opts.res {
			g.opts.res[k] = v
		}
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&g.opts); err != nil {
			panic(fmt.Errorf("%s.Options: %w", f.name, err))
		}
	}
	if n := g.opts.numReturns; n > 1 && n != g.nres {
		panic(invalidf("%s.Options: NumReturns(%d) but %s has %d results", f.name, n, f.ft, g.nres))
	}
	if g.opts.name != "" {
		g.name = g.opts.name
	}
	return &g
}

// Name returns the task name of f's tasks.
func (f *RemoteFunction) Name() string { return f.name }

// Remote submits a task calling f with args and returns at once a ref to its
// result. The task receives copies of its arguments, taken at submit time
// (objects are immutable; see the package doc). ObjectRef arguments (top
// level only) are replaced by copies of their values before the call, and
// the task waits for them without holding resources.
// Numeric, string and bool arguments convert to the parameter type when the
// value is unchanged by it (f.Remote(1) works for a float64 parameter).
// Remote panics with an error wrapping ErrInvalidCall on a wrong number of
// arguments, an argument not assignable to its parameter, an infeasible
// resource request, or when f has NumReturns(n>1) (use RemoteN). With
// NumReturns(0) it returns the zero ObjectRef.
func (f *RemoteFunction) Remote(args ...any) ObjectRef {
	if f.opts.numReturns > 1 {
		panic(invalidf("%s has NumReturns(%d): call RemoteN to get its refs", f.name, f.opts.numReturns))
	}
	t, err := f.submit(args)
	if err != nil {
		panic(err)
	}
	if f.opts.numReturns == 0 {
		return ObjectRef{}
	}
	return ObjectRef{t.outs[0]}
}

// RemoteN is Remote returning all refs of the task: one per result with
// NumReturns(n), else a single ref.
func (f *RemoteFunction) RemoteN(args ...any) []ObjectRef {
	refs, err := f.Submit(args...)
	if err != nil {
		panic(err)
	}
	return refs
}

// Submit is RemoteN returning an error instead of panicking.
func (f *RemoteFunction) Submit(args ...any) ([]ObjectRef, error) {
	t, err := f.submit(args)
	if err != nil {
		return nil, err
	}
	if f.opts.numReturns == 0 {
		return []ObjectRef{}, nil
	}
	refs := make([]ObjectRef, len(t.outs))
	for i, o := range t.outs {
		refs[i] = ObjectRef{o}
	}
	return refs, nil
}

func (f *RemoteFunction) submit(args []any) (*task, error) {
	parent := currentTask()
	rt := f.rt
	if rt == nil {
		if parent != nil {
			rt = parent.rt
		} else {
			rt = Default()
		}
	}
	vals, deps, err := f.bindArgs(args)
	if err != nil {
		return nil, err
	}
	t := &task{rt: rt, id: ids.Add(1), f: f, args: vals, deps: deps}
	if f.state {
		t.act, t.role = f.actor, roleCall
	}
	t.obj0 = object{id: ids.Add(1), producer: t}
	if n := f.opts.numReturns; n > 1 {
		t.outs = make([]*object, n)
		t.outs[0] = &t.obj0
		for i := 1; i < n; i++ {
			t.outs[i] = &object{id: ids.Add(1), producer: t}
		}
	} else {
		t.out0[0] = &t.obj0
		t.outs = t.out0[:]
	}
	b := rt.backend()
	if b != nil && !f.local && (t.role == roleTask || t.act.rem != nil) {
		t.remote = true
		for _, o := range t.outs {
			o.remote = true
		}
		// The backend sees the task before it is shared (setGroup makes it
		// its parent's child, which a Cancel reaches).
		if parent != nil {
			t.group = parent.group
		} else if h := rt.currentHost(); h != nil {
			t.group = h.Group()
		}
		if err := rt.prepareRemote(t, b); err != nil {
			what := f.fname
			if f.state {
				what = f.actor.String()
			}
			return nil, fmt.Errorf("%s.Remote: %w: %w", what, ErrInvalidCall, err)
		}
	}
	setGroup(t, parent, rt)
	rt.mu.Lock()
	if t.remote && rt.closed {
		rt.mu.Unlock()
		return nil, fmt.Errorf("%s.Remote: %w", f.fname, ErrShutdown)
	}
	if err := rt.feasibleLocked(&f.opts); !t.remote && err != nil {
		rt.mu.Unlock()
		return nil, fmt.Errorf("%s.Remote: %w", f.fname, err)
	}
	rt.linkLocked(t)
	if t.role == roleCall {
		rt.mu.Unlock()
		t.pending.Store(int32(len(deps)) + 1)
		t.act.enqueueCall(t, parent)
		for _, d := range deps {
			d.obj.addWaiter(t)
		}
		if t.pending.Add(-1) == 0 && !t.isDone() {
			t.act.dispatch(nil)
		}
		return t, nil
	}
	if len(deps) == 0 && t.remote {
		rt.mu.Unlock()
		rt.sendRemote(t, b)
		return t, nil
	}
	if len(deps) == 0 {
		rt.readyQ = append(rt.readyQ, t)
		rt.dispatchLocked(nil)
		rt.mu.Unlock()
		return t, nil
	}
	rt.mu.Unlock()
	t.pending.Store(int32(len(deps)) + 1)
	for _, d := range deps {
		d.obj.addWaiter(t)
	}
	if t.pending.Add(-1) == 0 && !t.isDone() {
		t.ready()
	}
	return t, nil
}

// setGroup gives t, submitted by parent (nil: the driver) to rt, its group:
// its parent's, or the host's for the driver; parent records t as its child.
func setGroup(t, parent *task, rt *Runtime) {
	if parent != nil {
		t.group = parent.group
		parent.mu.Lock()
		if !parent.isDone() {
			parent.addChildLocked(t)
		}
		parent.mu.Unlock()
	} else if h := rt.currentHost(); h != nil {
		t.group = h.Group()
	}
}

// notify implements waiter: a dependency resolved.
func (t *task) notify(o *object) { t.depReady(o) }

func (f *RemoteFunction) paramType(i int) reflect.Type {
	if f.takesCtx {
		i++
	}
	if f.state {
		i++
	}
	if f.variadic && i >= f.ft.NumIn()-1 {
		return f.ft.In(f.ft.NumIn() - 1).Elem()
	}
	return f.ft.In(i)
}

// bindArgs checks args against f's parameters and converts them.
func (f *RemoteFunction) bindArgs(args []any) ([]reflect.Value, []dep, error) {
	want := f.ft.NumIn()
	if f.takesCtx {
		want--
	}
	if f.state {
		want--
	}
	if f.variadic {
		if len(args) < want-1 {
			return nil, nil, invalidf("%s.Remote: got %d arguments, want at least %d (%s)", f.fname, len(args), want-1, f.ft)
		}
	} else if len(args) != want {
		return nil, nil, invalidf("%s.Remote: got %d arguments, want %d (%s)", f.fname, len(args), want, f.ft)
	}
	vals := make([]reflect.Value, len(args))
	var deps []dep
	for i, a := range args {
		if r, ok := a.(ObjectRef); ok {
			if r.o == nil {
				return nil, nil, invalidf("%s.Remote: argument %d is a zero ObjectRef", f.fname, i)
			}
			deps = append(deps, dep{arg: i, obj: r.o})
			continue
		}
		v, err := convertArg(a, f.paramType(i))
		if err != nil {
			return nil, nil, invalidf("%s.Remote: argument %d: %w", f.fname, i, err)
		}
		vals[i] = copyValue(v) // the task gets its own copy
	}
	return vals, deps, nil
}

// convertArg converts a to a value of type pt, or explains why it cannot.
func convertArg(a any, pt reflect.Type) (reflect.Value, error) {
	if a == nil {
		switch pt.Kind() {
		case reflect.Chan, reflect.Func, reflect.Interface, reflect.Map, reflect.Pointer, reflect.Slice:
			return reflect.Zero(pt), nil
		}
		return reflect.Value{}, fmt.Errorf("cannot use nil as %s", pt)
	}
	v := reflect.ValueOf(a)
	if v.Type().AssignableTo(pt) {
		if pt.Kind() == reflect.Interface && v.Type() != pt {
			iv := reflect.New(pt).Elem()
			iv.Set(v)
			return iv, nil
		}
		return v, nil
	}
	if c, ok := convertBasic(v, pt); ok {
		return c, nil
	}
	return reflect.Value{}, fmt.Errorf("cannot use %#v (type %s) as %s", a, v.Type(), pt)
}

func basicClass(k reflect.Kind) int {
	switch {
	case k >= reflect.Int && k <= reflect.Float64:
		return 1
	case k == reflect.String:
		return 2
	case k == reflect.Bool:
		return 3
	}
	return 0
}

// convertBasic converts between numeric kinds, or between string (bool)
// kinds, when the value survives the round trip.
func convertBasic(v reflect.Value, pt reflect.Type) (reflect.Value, bool) {
	c := basicClass(v.Kind())
	if c == 0 || c != basicClass(pt.Kind()) || !v.Type().ConvertibleTo(pt) {
		return reflect.Value{}, false
	}
	out := v.Convert(pt)
	if c == 1 && !out.Convert(v.Type()).Equal(v) {
		return reflect.Value{}, false
	}
	if c == 1 && isSigned(v.Kind()) != isSigned(pt.Kind()) && !isFloat(v.Kind()) && !isFloat(pt.Kind()) {
		if (isSigned(v.Kind()) && v.Int() < 0) || (isSigned(pt.Kind()) && out.Int() < 0) {
			return reflect.Value{}, false
		}
	}
	return out, true
}

func isSigned(k reflect.Kind) bool { return k >= reflect.Int && k <= reflect.Int64 }
func isFloat(k reflect.Kind) bool  { return k == reflect.Float32 || k == reflect.Float64 }
