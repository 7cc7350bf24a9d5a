package parallel

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// An ObjectRef is a future: a reference to the result of a task, or to a
// value stored with Put. The zero ObjectRef refers to nothing. ObjectRefs are
// comparable; copies refer to the same object.
type ObjectRef struct{ o *object }

// ID returns the ref's id, unique within the process's runtimes; 0 for the
// zero ObjectRef.
func (r ObjectRef) ID() uint64 {
	if r.o == nil {
		return 0
	}
	return r.o.id
}

// String returns "ObjectRef(id)".
func (r ObjectRef) String() string { return fmt.Sprintf("ObjectRef(%d)", r.ID()) }

// Ready reports whether the ref's value or error is available (Get would
// not block).
func (r ObjectRef) Ready() bool {
	return r.o != nil && r.o.ready.Load()
}

type waiter interface{ notify(o *object) }

type object struct {
	id       uint64
	producer *task       // nil for Put
	remote   bool        // made by a task sent to the runtime's backend (set before the object is shared)
	watched  atomic.Bool // a Put object given to a backend: its release is arranged (see Releaser)
	dec      *decoded    // decoded from another process (see GobDecode), else nil
	val      any         // set before ready
	err      error       // set before ready
	ready    atomic.Bool

	mu      sync.Mutex
	ch      chan struct{} // made on demand by doneChan, closed once ready
	waiters []waiter
}

// doneChan returns a channel closed once o is ready. Most objects never need
// one (their readers find them ready, or register as waiters), so it is
// made on demand.
func (o *object) doneChan() <-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ch == nil {
		o.ch = make(chan struct{})
		if o.ready.Load() {
			close(o.ch)
		}
	}
	return o.ch
}

// addWaiter arranges for w.notify(o) once o resolves (at once if it has).
func (o *object) addWaiter(w waiter) {
	o.mu.Lock()
	if !o.ready.Load() {
		o.waiters = append(o.waiters, w)
		o.mu.Unlock()
		return
	}
	o.mu.Unlock()
	w.notify(o)
}

// removeWaiter drops w from o's waiters if it is still registered (a Wait
// or GetAll that returned before o resolved), so waiters never outlive the
// call that registered them.
func (o *object) removeWaiter(w waiter) {
	if o.ready.Load() {
		return // resolve already dropped every waiter
	}
	o.mu.Lock()
	for i, x := range o.waiters {
		if x == w {
			last := len(o.waiters) - 1
			o.waiters[i] = o.waiters[last]
			o.waiters[last] = nil
			o.waiters = o.waiters[:last]
			if last == 0 {
				o.waiters = nil
			}
			break
		}
	}
	o.mu.Unlock()
}

// unregister removes g from each of objs (see removeWaiter).
func unregister(g waiter, objs []*object) {
	for _, o := range objs {
		o.removeWaiter(g)
	}
}

func (o *object) resolve(v any, err error) {
	o.mu.Lock()
	if o.ready.Load() {
		o.mu.Unlock()
		return
	}
	o.val, o.err = v, err
	o.ready.Store(true)
	ws := o.waiters
	o.waiters = nil
	if o.ch != nil {
		close(o.ch)
	}
	o.mu.Unlock()
	for _, w := range ws {
		w.notify(o)
	}
}

// Put stores a copy of value in the default runtime and returns a ref to it,
// already resolved: changing value afterwards does not change the object
// (objects are immutable; see the package doc for what is copied). As in
// Ray, value may not be an ObjectRef itself: Put panics with an error
// wrapping ErrInvalidCall.
func Put(value any) ObjectRef {
	Default()
	return putValue(value)
}

// Put is like the package-level Put.
func (rt *Runtime) Put(value any) ObjectRef { return putValue(value) }

// ids numbers the tasks and objects of every runtime, so that ids are
// unique within the process.
var ids atomic.Uint64

func putValue(value any) ObjectRef {
	if _, ok := value.(ObjectRef); ok {
		panic(invalidf("ray.Put of an ObjectRef: pass the ref itself (refs nested in values are fine)"))
	}
	o := &object{id: ids.Add(1), val: copyAny(value)}
	o.ready.Store(true)
	return ObjectRef{o}
}

// wait blocks until ready is closed or ctx is done. Called on the goroutine
// of a task, it gives back the task's resources meanwhile (see
// task.blockIn), and returns early with the task's error if the task is
// cancelled. (Other goroutines a task starts block holding nothing.)
//
// Outside any task (the driver: a notebook cell or a program's main code), the
// time blocked is recorded on the driver row of the timeline of on's
// runtime: on is an object being waited for.
//
// pr, if not nil, describes a GetAll or Wait whose progress the driver's
// wait reports to a host implementing ProgressReporter.
func wait(ctx context.Context, ready <-chan struct{}, kind eventKind, on *object, what string, pr *progress) error {
	if ctx == nil {
		ctx = context.Background()
	}
	select {
	case <-ready:
		return nil
	default:
	}
	if t := currentTask(); t != nil {
		defer t.blockIn(kind)()
		self := t.outs[0]
		select {
		case <-ready:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-self.doneChan():
			return fmt.Errorf("calling task %s (#%d) ended: %w", t.f.name, t.id, self.err)
		}
	}
	rt := on.runtime()
	if rt != nil && rt.trace.on() {
		begin := rt.since()
		defer func() { rt.traceDriver(kind, what, begin) }()
	}
	if pr != nil && rt != nil {
		if rep, after := rt.reporter(); rep != nil {
			return waitReporting(ctx, ready, rt, rep, pr, after)
		}
	}
	done := ctx.Done()
	if done == nil { // context.Background and the like: a plain receive is cheaper
		<-ready
		return nil
	}
	select {
	case <-ready:
		return nil
	case <-done:
		return ctx.Err()
	}
}

// runtime returns the runtime of the task producing o, nil for Put objects.
func (o *object) runtime() *Runtime {
	if o == nil || o.producer == nil {
		return nil
	}
	return o.producer.rt
}

func checkRef(r ObjectRef) error {
	if r.o == nil {
		return invalidf("Get of a zero ObjectRef")
	}
	return nil
}

// Get waits for the ref's task and returns a copy of its value, so that
// changing it changes neither the object nor what other readers get.
// Inside a task, the task gives back its resources while it waits. If the
// task failed or was cancelled, Get panics with its *TaskError.
func Get(ref ObjectRef) any {
	v, err := GetContext(context.Background(), ref)
	if err != nil {
		panic(err)
	}
	return v
}

// GetContext is Get returning the task's *TaskError instead of panicking, and
// giving up when ctx is done with an error wrapping ctx.Err(). A nil ctx
// is treated as context.Background().
func GetContext(ctx context.Context, ref ObjectRef) (any, error) {
	if err := checkRef(ref); err != nil {
		return nil, err
	}
	if !ref.o.ready.Load() {
		if err := selfWait(ref.o); err != nil {
			return nil, fmt.Errorf("ray: Get %v: %w", ref, err)
		}
		if err := wait(ctx, ref.o.doneChan(), evGet, ref.o, "Get", nil); err != nil {
			return nil, fmt.Errorf("ray: Get %v: %w", ref, err)
		}
	}
	if ref.o.err != nil {
		return nil, ref.o.err
	}
	v, err := ref.o.value()
	if err != nil {
		return nil, fmt.Errorf("ray: Get %v: %w", ref, err)
	}
	return copyAny(v), nil
}

// GetAll waits for all refs and returns copies of their values (as Get) in
// the order given (duplicates kept). It fails fast: as soon as any ref's task fails, it
// panics with that *TaskError without waiting for the others.
func GetAll(refs ...ObjectRef) []any {
	vs, err := GetAllContext(context.Background(), refs...)
	if err != nil {
		panic(err)
	}
	return vs
}

// GetAllContext is GetAll returning the first failure's *TaskError instead
// of panicking, and giving up when ctx is done with an error wrapping
// ctx.Err(). A nil ctx is treated as context.Background().
func GetAllContext(ctx context.Context, refs ...ObjectRef) ([]any, error) {
	out := make([]any, len(refs))
	var pending []*object
	for _, r := range refs {
		if err := checkRef(r); err != nil {
			return nil, err
		}
		if !r.Ready() {
			if err := selfWait(r.o); err != nil {
				return nil, fmt.Errorf("ray: GetAll of %d refs: %v: %w", len(refs), r, err)
			}
			pending = append(pending, r.o)
		} else if r.o.err != nil {
			return nil, r.o.err
		}
	}
	if len(pending) > 0 {
		g := &group{need: len(pending), failFast: true, ch: make(chan struct{})}
		for _, o := range pending {
			o.addWaiter(g) // notifies at once if o resolved since the check
		}
		pr := &progress{call: "GetAll", refs: refs, total: len(refs)}
		err := wait(ctx, g.ch, evGet, pending[0], fmt.Sprintf("GetAll of %d refs", len(refs)), pr)
		unregister(g, pending)
		if err != nil {
			return nil, fmt.Errorf("ray: GetAll of %d refs: %w", len(refs), err)
		}
		if f := g.failed(); f != nil {
			return nil, f.err
		}
	}
	for i, r := range refs {
		v, err := r.o.value()
		if err != nil {
			return nil, fmt.Errorf("ray: GetAll of %d refs: %v: %w", len(refs), r, err)
		}
		out[i] = copyAny(v)
	}
	return out, nil
}

// group counts resolutions of objects for GetAll and Wait.
type group struct {
	mu       sync.Mutex
	need     int
	failFast bool
	fail     *object
	closed   bool
	ch       chan struct{}
}

func (g *group) notify(o *object) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.need--
	if g.failFast && o.err != nil && g.fail == nil {
		g.fail = o
	}
	if !g.closed && (g.need <= 0 || g.fail != nil) {
		g.closed = true
		close(g.ch)
	}
}

func (g *group) failed() *object {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.fail
}

// Wait waits until numReturns of refs are ready (finished, successfully or
// not) or the timeout passes (timeout < 0: no timeout; 0: just look), and
// returns the ready refs, in input order and at most numReturns of them, and
// the others in input order. An empty refs returns two empty slices. Wait
// panics with an error wrapping ErrInvalidCall if refs holds duplicates or a
// zero ObjectRef, or numReturns is outside 1..len(refs).
func Wait(refs []ObjectRef, numReturns int, timeout time.Duration) (ready, notReady []ObjectRef) {
	ready, notReady, err := WaitContext(context.Background(), refs, numReturns, timeout)
	if err != nil {
		panic(err)
	}
	return ready, notReady
}

// WaitContext is Wait returning an error instead of panicking; it also
// returns (with the refs ready so far and no error) when ctx is done.
func WaitContext(ctx context.Context, refs []ObjectRef, numReturns int, timeout time.Duration) (ready, notReady []ObjectRef, err error) {
	if len(refs) == 0 {
		return []ObjectRef{}, []ObjectRef{}, nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if numReturns < 1 || numReturns > len(refs) {
		return nil, nil, invalidf("Wait: numReturns must be in 1..%d, got %d", len(refs), numReturns)
	}
	seen := make(map[*object]struct{}, len(refs))
	count := 0
	var pending []*object
	for i, r := range refs {
		if r.o == nil {
			return nil, nil, invalidf("Wait: refs[%d] is a zero ObjectRef", i)
		}
		if _, dup := seen[r.o]; dup {
			return nil, nil, invalidf("Wait: refs[%d] (%v) is a duplicate", i, r)
		}
		seen[r.o] = struct{}{}
		if r.Ready() {
			count++
		} else {
			pending = append(pending, r.o)
		}
	}
	if count < numReturns && timeout != 0 {
		g := &group{need: numReturns - count, ch: make(chan struct{})}
		for _, o := range pending {
			o.addWaiter(g) // notifies at once if o resolved since the check
		}
		wctx := ctx
		if timeout > 0 {
			var cancel context.CancelFunc
			wctx, cancel = context.WithTimeout(wctx, timeout)
			defer cancel()
		}
		pr := &progress{call: "Wait", refs: refs, total: numReturns}
		_ = wait(wctx, g.ch, evWait, pending[0], fmt.Sprintf("Wait for %d of %d refs", numReturns, len(refs)), pr)
		unregister(g, pending)
	}
	ready = make([]ObjectRef, 0, numReturns)
	notReady = make([]ObjectRef, 0, len(refs))
	for _, r := range refs {
		if len(ready) < numReturns && r.Ready() {
			ready = append(ready, r)
		} else {
			notReady = append(notReady, r)
		}
	}
	return ready, notReady, nil
}

// Cancel cancels the task that produces ref, and recursively the tasks it
// submitted: a queued task never runs, a running task has its context
// cancelled and ends as cancelled whatever it returns, and Get on its refs
// fails with a *TaskError matching ErrCancelled and context.Canceled; tasks
// depending on it fail too. Go cannot stop a goroutine, so a running task
// keeps its CPUs and other resources until its code returns (a task taking
// a context.Context can return early), and at most NumCPUs of task code runs
// at once; the timeline draws its bar until then, marked cancelled.
// Cancelling a finished task or a Put ref does nothing. Cancel reports
// whether it cancelled the task.
func Cancel(ref ObjectRef) bool {
	if ref.o == nil || ref.o.producer == nil {
		return false
	}
	return ref.o.producer.cancel(ErrCancelled, true)
}
