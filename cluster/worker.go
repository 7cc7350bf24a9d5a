package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// WorkerOptions configures RunWorker.
type WorkerOptions struct {
	// Name labels the worker in the timeline and errors; default host:pid.
	Name string
	// CPUs is how many CPUs' worth of tasks run at once; default
	// runtime.NumCPU().
	CPUs int
	// Resources are the custom resources the worker offers to tasks that
	// request them (parallel.TaskResources); "CPU" is the same as CPUs.
	Resources map[string]float64
	// Loader resolves the functions of the tasks; required.
	Loader Loader
	// Shipper ships the functions of tasks that tasks submit (nested
	// tasks go through the cluster); default: Loader, if it is a Shipper.
	Shipper Shipper
	// Logf, if not nil, receives one line per notable event.
	Logf func(format string, args ...any)
}

// A worker pulls tasks from the task stream while it has free CPUs and runs
// them on a parallel.Runtime of its own, connected to the cluster so that
// nested tasks go through it.
type worker struct {
	opt   WorkerOptions
	c     *conn
	rt    *parallel.Runtime
	pid   int
	total workerInfo
	host  *actorHost // the actors it keeps (actorhost.go)

	wake chan struct{}  // a task ended: maybe CPUs are free
	runs sync.WaitGroup // tasks being run

	mu        sync.Mutex
	slots     []bool                        // timeline rows in use
	reserved  float64                       // CPUs of tasks accepted but not yet submitted to rt
	running   map[string]parallel.ObjectRef // result key → the local task running it
	cancelled map[string]bool               // result keys cancelled before they ran here
	held      map[jetstream.Msg]bool        // task messages taken and not yet acked or handed back
	holding   map[string]bool               // result keys of the tasks it runs (redeliver.go)
	live      *liveness                     // the drivers' liveness (driver.go)
}

// maxCancelled bounds the cancelled keys a worker remembers.
const maxCancelled = 10000

// onCancel handles a driver's cancel of the task with result key: the
// local task running it is cancelled, or the key remembered.
func (w *worker) onCancel(m *nats.Msg) {
	key := strings.TrimPrefix(m.Subject, cancelSubject+".")
	w.mu.Lock()
	ref, ok := w.running[key]
	if !ok {
		if len(w.cancelled) >= maxCancelled {
			clear(w.cancelled)
		}
		w.cancelled[key] = true
	}
	w.mu.Unlock()
	if ok {
		parallel.Cancel(ref)
	}
}

// track records ref as running the task of key (ref zero: it ended), and
// reports whether that task was cancelled meanwhile.
func (w *worker) track(key string, ref parallel.ObjectRef) (cancelled bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cancelled = w.cancelled[key] || w.live.keyGone(key)
	if ref == (parallel.ObjectRef{}) {
		delete(w.running, key)
		delete(w.cancelled, key)
	} else {
		w.running[key] = ref
	}
	return cancelled
}

// free returns the CPUs the worker can still fill: its runtime's free CPUs
// minus those of tasks accepted and not yet submitted to it.
func (w *worker) free() float64 {
	avail := w.rt.AvailableResources()["CPU"]
	w.mu.Lock()
	defer w.mu.Unlock()
	return avail - w.reserved
}

// reserve adds cpus (negative: removes them) to the CPUs reserved.
func (w *worker) reserve(cpus float64) {
	w.mu.Lock()
	w.reserved += cpus
	w.mu.Unlock()
}

// RunWorker connects to the cluster at addr and runs its tasks until ctx
// is done; then it hands the tasks it is running back to the cluster (they
// run again on another worker) and returns. It pulls a task only when it has a free CPU (a task blocked in
// Get, GetAll or Wait gives its CPUs back, as in process), and leaves
// tasks it can never hold for other workers. While it holds a task it
// tells JetStream so every progressEvery (250 ms); if it dies, JetStream
// gives the task to another worker after ackWait (2 s), and the task runs
// again there, up to its MaxRetries (3 if not given), then fails with a
// system error.
func RunWorker(ctx context.Context, addr string, opt WorkerOptions) error {
	if opt.Loader == nil {
		return errors.New("cluster: RunWorker needs a Loader")
	}
	res := make(map[string]float64, len(opt.Resources))
	for k, v := range opt.Resources {
		if k == "CPU" { // the same as CPUs, as in parallel.Resources
			opt.CPUs = int(v)
			continue
		}
		res[k] = v
	}
	opt.Resources = res
	if opt.CPUs <= 0 {
		opt.CPUs = runtime.NumCPU()
	}
	w := &worker{opt: opt, pid: os.Getpid(), wake: make(chan struct{}, 1),
		running: map[string]parallel.ObjectRef{}, cancelled: map[string]bool{},
		held: map[jetstream.Msg]bool{}, holding: map[string]bool{}}
	if w.opt.Name == "" {
		host, _ := os.Hostname()
		w.opt.Name = fmt.Sprintf("%s:%d", host, w.pid)
	}
	ship := opt.Shipper
	if ship == nil {
		if s, ok := opt.Loader.(Shipper); ok {
			ship = s
		} else {
			return errors.New("cluster: RunWorker needs a Shipper for nested tasks (the Loader is none)")
		}
	}
	var nested atomic.Pointer[Client] // the Client of the tasks that tasks submit, once made
	c, err := dial(ctx, addr, "warren worker "+w.opt.Name, jetstream.WithPublishAsyncTimeout(publishTimeout),
		jetstream.WithPublishAsyncErrHandler(func(js jetstream.JetStream, m *nats.Msg, err error) {
			if cl := nested.Load(); cl != nil {
				cl.publishFailed(js, m, err)
			}
		}))
	if err != nil {
		return err
	}
	defer c.close()
	c.cache = newBlobCache(blobCacheMax)
	w.c = c
	stopKeepAlive := make(chan struct{})
	keptAlive := make(chan struct{})
	go func() {
		defer close(keptAlive)
		w.keepAlive(stopKeepAlive)
	}()
	defer func() { // after the tasks were acked or handed back
		close(stopKeepAlive)
		<-keptAlive
	}()
	client, err := newClient(ctx, c, ship)
	if err != nil {
		return err
	}
	nested.Store(client)
	w.live = newLiveness("o." + w.key())
	client.ownerOf = w.live.ownerOfCurrent
	defer w.startLiveness(ctx, client)()
	sub, err := c.nc.Subscribe(cancelSubject+".>", w.onCancel)
	if err != nil {
		return fmt.Errorf("cluster: subscribe to cancels: %w", err)
	}
	defer func() { _ = sub.Unsubscribe() }()
	w.rt = parallel.New(parallel.NumCPUs(opt.CPUs), parallel.Resources(opt.Resources),
		parallel.WithBackend(addr, nestedBackend{client}), parallel.TraceCapacity(0))
	defer w.rt.Shutdown()
	if w.host, err = startActorHost(ctx, w); err != nil {
		return err
	}
	defer w.host.stop()
	w.total = workerInfo{Name: w.opt.Name, Pid: w.pid, CPUs: float64(opt.CPUs), Res: opt.Resources}
	if err := w.announce(ctx); err != nil {
		return err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(heartbeat)
		defer t.Stop()
		reconnected := c.onReconnect()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			case <-reconnected: // at once: other workers look for its tasks (redeliver.go)
			}
			_ = w.announce(ctx)
		}
	}()
	w.logf("worker %s: %d CPUs, resources %v, connected to %s", w.opt.Name, opt.CPUs, opt.Resources, addr)
	err = w.pull(ctx)
	wg.Wait()
	w.runs.Wait() // each hands its task back (Nak) for another worker
	dctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = c.workers.Delete(dctx, w.key())
	return err
}

func (w *worker) key() string { return fmt.Sprintf("w.%d.%s", w.pid, strings.Map(keySafe, w.opt.Name)) }

func keySafe(r rune) rune {
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
		return r
	}
	return '_'
}

// nestedBackend is the backend of a worker's runtime: the worker's Client
// without its ResourceReporter, so that the runtime's AvailableResources
// stays the worker's own (what it pulls by). As a Releaser it deletes the
// results of nested tasks once the worker holds no ref to them.
type nestedBackend struct{ cl *Client }

func (b nestedBackend) Prepare(t *parallel.RemoteTask) error { return b.cl.Prepare(t) }
func (b nestedBackend) Submit(t *parallel.RemoteTask) error  { return b.cl.Submit(t) }
func (b nestedBackend) Close() error                         { return b.cl.Close() }
func (b nestedBackend) Release(id uint64)                    { b.cl.Release(id) }
func (b nestedBackend) ReleaseObject(id uint64)              { b.cl.ReleaseObject(id) }

// announce writes the worker's entry in workersBucket.
func (w *worker) announce(ctx context.Context) error {
	info := w.total
	info.Free = w.rt.AvailableResources()
	info.Running = w.runningKeys()
	data, err := gobBytes(&info)
	if err != nil {
		return err
	}
	if _, err := w.c.workers.Put(ctx, w.key(), data); err != nil {
		return fmt.Errorf("cluster: announce worker: %w", err)
	}
	return nil
}

func (w *worker) logf(format string, args ...any) {
	if w.opt.Logf != nil {
		w.opt.Logf(format, args...)
	}
}

// signal wakes pull.
func (w *worker) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// accept takes one task message: runs it, or leaves it to another worker.
func (w *worker) accept(ctx context.Context, m jetstream.Msg) {
	w.hold(m)
	var tm taskMsg
	if err := tm.unmarshal(m.Data()); err != nil {
		w.logf("dropping a task that does not decode: %v", err)
		_ = m.Term()
		w.release(m)
		return
	}
	delivered := uint64(1)
	if md, err := m.Metadata(); err == nil {
		delivered = md.NumDelivered
	}
	w.runs.Add(1)
	if !fits(w.total, tm.CPUs, tm.Res) {
		go w.handBack(ctx, m, tm.Key, delivered) // another worker may hold it (handback.go)
		return
	}
	w.reserve(tm.CPUs) // until the task is submitted to w.rt, which then counts it
	go w.run(ctx, m, &tm, delivered)
}

// run runs one task (its delivered-th delivery) and stores its result;
// it fails the task if its runs died more often than MaxRetries allows.
func (w *worker) run(ctx context.Context, m jetstream.Msg, tm *taskMsg, delivered uint64) {
	defer w.runs.Done()
	defer w.release(m) // kept alive by keepAlive since accept
	if w.skipGone(ctx, m, tm) {
		return // its driver ended or died
	}
	defer w.live.dropKey(tm.Key)
	if delivered > 1 {
		switch w.redelivered(ctx, tm.Key) { // still running elsewhere? (redeliver.go)
		case ranIt:
			w.reserve(-tm.CPUs) // reserved by accept for execute
			_ = m.Ack()
			w.signal()
			return
		case leaveIt:
			w.reserve(-tm.CPUs)
			w.giveBack(ctx, m, tm.Key, false, redoDelay)
			w.signal()
			return
		}
	}
	defer w.holdKey(tm.Key)()
	attempt, handed := w.attempt(ctx, tm.Key, delivered) // the deliveries that were runs
	maxRetries := tm.MaxRetries
	if maxRetries < 0 {
		maxRetries = 3 // Ray's default for system failures
	}
	if attempt > maxRetries {
		w.reserve(-tm.CPUs) // reserved by accept for execute
		w.finish(ctx, m, tm.Key, &resultMsg{Attempt: attempt - 1, System: true,
			Err: fmt.Sprintf("the task's worker died or stopped responding while running it (%d attempts, MaxRetries(%d))", attempt, maxRetries)})
		w.signal()
		if handed > 0 {
			w.forgetHandBacks(ctx, tm.Key)
		}
		return
	}
	rm := w.execute(ctx, tm)
	w.signal() // the task's CPUs are free: pull asks for more while the result is stored
	if ctx.Err() != nil {
		// The worker is stopping: the task goes to another worker now
		// (its code may still be running here; its result is dropped).
		_ = m.Nak()
		return
	}
	if w.live.isGone(tm.Owner) {
		_ = m.Ack() // nobody will read its result
		w.signal()
		return
	}
	rm.Attempt += attempt
	w.finish(ctx, m, tm.Key, rm)
	w.signal()
	if handed > 0 {
		w.forgetHandBacks(ctx, tm.Key)
	}
}

// finish stores rm under key and acknowledges m. Storing is retried while
// the cluster is unreachable (a head restarting); if the worker dies
// first, the task runs again elsewhere.
func (w *worker) finish(ctx context.Context, m jetstream.Msg, key string, rm *resultMsg) {
	if err := w.put(ctx, key, rm.marshal()); err != nil {
		w.logf("task %s: storing its result failed, leaving it to another worker: %v", key, err)
		return
	}
	_ = m.Ack()
}

// put stores data under key in objectBucket, trying again (31 times, a
// second apart) while the cluster is unreachable (a head restarting).
func (w *worker) put(ctx context.Context, key string, data []byte) error {
	var err error
	for i := 0; ; i++ {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = w.c.objects.Put(pctx, key, data)
		cancel()
		if err == nil || ctx.Err() != nil || i == 30 {
			return err
		}
		time.Sleep(time.Second)
	}
}

// execute loads, decodes and runs the task on the worker's runtime.
func (w *worker) execute(ctx context.Context, tm *taskMsg) *resultMsg {
	reserved := true // the CPUs reserved by accept, given back once rt holds them
	defer func() {
		if reserved {
			w.reserve(-tm.CPUs)
		}
	}()
	if tm.Actor != nil {
		return w.createActor(ctx, tm)
	}
	if w.track(tm.Key, parallel.ObjectRef{}) {
		return &resultMsg{Err: "cancelled before it ran", ErrType: "cancelled"}
	}
	fn, err := w.opt.Loader.Load(ctx, tm.Func, w.fetchSource)
	if err != nil {
		return &resultMsg{Err: fmt.Sprintf("cannot load function %q on worker %s: %v", tm.Func.Name, w.opt.Name, err), System: true}
	}
	ft := fn.Type()
	args := make([]any, len(tm.Args))
	for i, a := range tm.Args {
		v, err := w.arg(ctx, a, paramType(ft, i))
		if err != nil {
			return &resultMsg{Err: fmt.Sprintf("argument %d: %v", i, err), ErrType: fmt.Sprintf("%T", err)}
		}
		args[i] = v.Interface()
		if v.Kind() == reflect.Interface && v.IsNil() {
			args[i] = nil
		}
	}
	nres := ft.NumOut()
	if nres > 0 && ft.Out(nres-1) == errType {
		nres--
	}
	rm := &resultMsg{Proc: w.opt.Name, Pid: w.pid}
	slot := w.takeSlot()
	defer w.freeSlot(slot)
	rm.Slot = slot
	var mu sync.Mutex
	// The CPUs reserved by accept are given back when the task starts on
	// rt (which then counts them), not when it is submitted: until it
	// starts, rt counts a queued task's CPUs as free, and the worker would
	// ask for a task more than it can run (it would wait in rt).
	var started sync.Once
	unreserve := func() { started.Do(func() { w.reserve(-tm.CPUs) }) }
	timed := reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
		unreserve()
		start := time.Now()
		if id, ok := w.live.enter(tm.Owner); ok {
			defer w.live.leave(id) // the tasks it submits are tm.Owner's
		}
		defer func() {
			mu.Lock()
			rm.Start, rm.End = start, time.Now()
			mu.Unlock()
		}()
		if ft.IsVariadic() {
			return fn.CallSlice(in)
		}
		return fn.Call(in)
	})
	opts := []parallel.TaskOption{parallel.TaskName(tm.Name), parallel.TaskCPUs(tm.CPUs),
		parallel.TaskResources(tm.Res), parallel.NumReturns(max(1, nres))}
	if tm.RetryExc {
		opts = append(opts, parallel.MaxRetries(max(tm.MaxRetries, 0)), parallel.RetryExceptions(true))
	}
	refs, err := w.rt.Local(timed.Interface()).Options(opts...).Submit(args...)
	reserved = false
	defer unreserve() // if it never started
	if err != nil {
		rm.Err, rm.ErrType = err.Error(), fmt.Sprintf("%T", err)
		return rm
	}
	if w.track(tm.Key, refs[0]) {
		parallel.Cancel(refs[0])
	}
	defer w.track(tm.Key, parallel.ObjectRef{})
	vals := make([]reflect.Value, 0, nres)
	for i, r := range refs {
		v, err := parallel.GetContext(ctx, r)
		if err != nil {
			mu.Lock()
			defer mu.Unlock()
			rm := *rm // a cancelled task's code may still run and set rm's times
			var te *parallel.TaskError
			if errors.As(err, &te) {
				rm.Err, rm.Stack, rm.Attempt = te.Message, te.Stack, te.Attempt
				rm.ErrType = fmt.Sprintf("%T", te.Err)
			} else {
				rm.Err, rm.ErrType, rm.System = err.Error(), fmt.Sprintf("%T", err), true
			}
			return &rm
		}
		if i < nres {
			rv := reflect.New(ft.Out(i)).Elem()
			if v != nil {
				rv.Set(reflect.ValueOf(v))
			}
			vals = append(vals, rv)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i, v := range vals {
		val, err := w.c.encodeRefs(ctx, tm.Key, v)
		if err == nil {
			val, err = w.c.store(ctx, fmt.Sprintf("v.%s.%d", tm.Key, i), val)
		}
		if err != nil {
			rm.Err, rm.ErrType, rm.Vals = fmt.Sprintf("result %d: %v", i, err), fmt.Sprintf("%T", err), nil
			return rm
		}
		rm.Vals = append(rm.Vals, val)
	}
	return rm
}

var errType = reflect.TypeFor[error]()

// arg decodes one argument into a value of type pt.
func (w *worker) arg(ctx context.Context, a argMsg, pt reflect.Type) (reflect.Value, error) {
	if a.Key == "" {
		return w.c.load(ctx, a.Val, pt)
	}
	e, err := w.c.objects.Get(ctx, a.Key)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("cluster: fetch %s: %w", a.Key, err)
	}
	var val value
	if a.Index < 0 {
		if err := val.unmarshal(e.Value()); err != nil {
			return reflect.Value{}, fmt.Errorf("cluster: decode %s: %w", a.Key, err)
		}
	} else {
		var rm resultMsg
		if err := rm.unmarshal(e.Value()); err != nil {
			return reflect.Value{}, fmt.Errorf("cluster: decode %s: %w", a.Key, err)
		}
		if rm.Err != "" || a.Index >= len(rm.Vals) {
			return reflect.Value{}, fmt.Errorf("cluster: %s holds no value %d", a.Key, a.Index)
		}
		val = rm.Vals[a.Index]
	}
	return w.c.load(ctx, val, pt)
}

// fetchSource returns a source unit uploaded by a driver.
func (w *worker) fetchSource(ctx context.Context, hash string) ([]byte, error) {
	src, err := w.c.blobs.GetBytes(ctx, "src."+hash)
	if err != nil {
		return nil, fmt.Errorf("cluster: fetch source unit %s: %w", hash, err)
	}
	if Hash(src) != hash {
		return nil, fmt.Errorf("cluster: source unit %s arrived with hash %s", hash, Hash(src))
	}
	return src, nil
}

func (w *worker) takeSlot() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for i, used := range w.slots {
		if !used {
			w.slots[i] = true
			return i
		}
	}
	w.slots = append(w.slots, true)
	return len(w.slots) - 1
}

func (w *worker) freeSlot(i int) {
	w.mu.Lock()
	w.slots[i] = false
	w.mu.Unlock()
}
