package parallel

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// resUnit is the fixed-point scale of resource quantities: 1 CPU = resUnit units,
// so fractional requests such as TaskCPUs(0.5) are exact.
const resUnit = 10000

// cpuKey is the name of the CPU resource in AvailableResources and ClusterResources.
const cpuKey = "CPU"

// defaultTraceCapacity is the number of timeline events kept by default.
const defaultTraceCapacity = 100_000

// An Option configures a Runtime created by Init or New.
type Option func(*config)

type config struct {
	cpus      float64
	cpusSet   bool
	resources map[string]float64
	resSet    bool
	traceCap  int
	traceSet  bool

	progress    time.Duration
	progressSet bool

	address    string
	addressSet bool
	backend    Backend // given by WithBackend
}

// NumCPUs sets the number of CPUs the runtime schedules: at most n CPUs' worth
// of tasks run at once. Without it a runtime has runtime.NumCPU() CPUs.
// n must be at least 1.
func NumCPUs(n int) Option {
	return func(c *config) { c.cpus, c.cpusSet = float64(n), true }
}

// Resources declares custom resources (for example {"GPU": 2}) that tasks may
// request with TaskResources. Quantities must be non-negative. The key "CPU"
// is the same as NumCPUs.
func Resources(r map[string]float64) Option {
	return func(c *config) {
		c.resources = make(map[string]float64, len(r))
		for k, v := range r {
			if k == cpuKey {
				c.cpus, c.cpusSet = v, true
				continue
			}
			c.resources[k] = v
		}
		c.resSet = true
	}
}

// TraceCapacity sets how many timeline events the runtime keeps (the most
// recent ones). The default is 100000; 0 disables tracing. Given to Init on
// a running runtime, it changes the capacity, keeping the most recent events
// that fit.
func TraceCapacity(n int) Option {
	return func(c *config) { c.traceCap, c.traceSet = n, true }
}

// ErrShutdown is the error of tasks still unfinished when their runtime is shut
// down, and of submissions to a runtime that was shut down. It matches
// ErrCancelled and context.Canceled under errors.Is.
var ErrShutdown error = fmt.Errorf("ray: runtime shut down: %w", ErrCancelled)

// ErrInvalidCall is wrapped by every error describing a misuse of the API:
// a non-function passed to Remote, wrong arguments at submit time, an
// infeasible resource request, bad Wait arguments, invalid options.
var ErrInvalidCall = errors.New("ray: invalid call")

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidCall}, args...)...)
}

// A Runtime schedules tasks on goroutines within the limits of its resources.
// The package-level functions (Init, Remote, Get, ...) use a default Runtime;
// a compiled program may create its own with New and use its methods, which
// have the same contracts. A Runtime is safe for concurrent use.
type Runtime struct {
	start time.Time
	// progressAfter is the delay before a long wait reports progress
	// (a time.Duration; <= 0: off).
	progressAfter atomic.Int64
	host          atomic.Pointer[hostBox]
	trace         *tracer
	remote        atomic.Pointer[backendBox] // the cluster, if connected (see Address)

	mu       sync.Mutex
	closed   bool
	cpuTotal int64
	cpuAvail int64
	resTotal map[string]int64
	resAvail map[string]int64
	resumeQ  []*task   // started tasks waiting to re-acquire resources after blocking
	readyQ   []*task   // tasks whose dependencies are met, in submission order
	readyH   int       // index of the head of readyQ
	live     *task     // unfinished tasks, newest first (linked by prev/next)
	idle     []*worker // parked workers
	lanes    []bool    // timeline rows in use

	actors    map[string]*Actor // named actors
	allActors []*Actor          // live actors
}

type hostBox struct{ h Host }

// New returns a new Runtime configured by opts. It panics with an error
// wrapping ErrInvalidCall if an option is invalid (for example NumCPUs(0)).
func New(opts ...Option) *Runtime {
	c := config{cpus: float64(runtime.NumCPU()), traceCap: defaultTraceCapacity, progress: defaultProgressAfter}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if err := c.validate(); err != nil {
		panic(err)
	}
	rt := &Runtime{
		start:    time.Now(),
		trace:    newTracer(c.traceCap),
		resTotal: map[string]int64{},
		resAvail: map[string]int64{},
	}
	rt.progressAfter.Store(int64(c.progress))
	rt.cpuTotal = units(c.cpus)
	rt.cpuAvail = rt.cpuTotal
	for k, v := range c.resources {
		rt.resTotal[k] = units(v)
		rt.resAvail[k] = units(v)
	}
	if b := globalHost.Load(); b != nil {
		rt.host.Store(b)
	}
	if c.addressSet {
		if err := rt.connect(c.address, c.backend); err != nil {
			panic(err)
		}
	}
	return rt
}

func (c *config) validate() error {
	if c.cpus < 1 || math.IsNaN(c.cpus) || math.IsInf(c.cpus, 0) {
		return invalidf("NumCPUs must be at least 1, got %v", c.cpus)
	}
	for k, v := range c.resources {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return invalidf("resource %q must be a non-negative number, got %v", k, v)
		}
	}
	if c.traceCap < 0 {
		return invalidf("TraceCapacity must be >= 0, got %d", c.traceCap)
	}
	return nil
}

// since returns the time since rt started (a cheap monotonic clock read).
func (rt *Runtime) since() time.Duration { return time.Since(rt.start) }

func units(f float64) int64 { return int64(math.Round(f * resUnit)) }

func fromUnits(u int64) float64 { return float64(u) / resUnit }

var (
	defaultMu sync.Mutex
	defaultRT atomic.Pointer[Runtime]
)

// Init starts the default runtime configured by opts. Calling Init while the
// default runtime is running keeps its tasks, refs and timeline, so a
// notebook cell calling Init can be re-run (like Ray's
// ignore_reinit_error=True); the options it names change the running runtime:
// NumCPUs and Resources replace those totals (a later cell can resize the
// runtime), TraceCapacity the timeline's capacity, ProgressAfter the
// progress reports. A resize that would leave
// an unfinished task needing more than the new totals (queued, running or
// blocked in Get) is refused and changes nothing: such a task could never
// start or resume. After Shutdown, Init starts a fresh runtime. Remote, Put
// and the other package-level functions call Init with no options if needed.
// Init panics with an error wrapping ErrInvalidCall if an option is invalid
// or a resize is refused.
func Init(opts ...Option) {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if rt := defaultRT.Load(); rt != nil {
		if err := rt.Reconfigure(opts...); err != nil {
			panic(fmt.Errorf("ray.Init: %w", err))
		}
		return
	}
	defaultRT.Store(New(opts...))
}

// IsInitialized reports whether the default runtime is running.
func IsInitialized() bool { return defaultRT.Load() != nil }

// Shutdown stops the default runtime: its unfinished tasks end as cancelled
// with ErrShutdown (running task code is not stopped, only its context is
// cancelled and its result discarded). A later Init, or any package-level call,
// starts a fresh runtime. Shutdown without a running runtime does nothing.
func Shutdown() {
	defaultMu.Lock()
	rt := defaultRT.Swap(nil)
	defaultMu.Unlock()
	if rt != nil {
		rt.Shutdown()
	}
}

// Default returns the default runtime, starting it with default options if
// it is not running.
func Default() *Runtime {
	if rt := defaultRT.Load(); rt != nil {
		return rt
	}
	Init()
	return defaultRT.Load()
}

// Shutdown cancels every unfinished task of rt with ErrShutdown and makes
// later submissions to rt fail with ErrShutdown. Refs already resolved stay
// readable.
func (rt *Runtime) Shutdown() {
	rt.mu.Lock()
	rt.closed = true
	rt.stopIdleLocked()
	tasks := rt.liveTasks(func(*task) bool { return true })
	actors := append([]*Actor(nil), rt.allActors...)
	rt.mu.Unlock()
	bb := rt.remote.Load()
	if bb != nil {
		if e, ok := bb.b.(Ender); ok {
			e.Ending()
		}
	}
	for _, a := range actors {
		a.die(&ActorDiedError{Actor: a.label, Reason: "its runtime shut down", Err: ErrShutdown})
	}
	cancelTasks(tasks, ErrShutdown, false)
	if bb != nil {
		_ = bb.b.Close()
	}
}

// Reconfigure changes the running rt as Init does the default runtime: the
// totals named by NumCPUs and Resources, the TraceCapacity and ProgressAfter. It returns
// an error wrapping ErrInvalidCall, and changes nothing, if an option is
// invalid or an unfinished task needs more of a resource than its new total.
func (rt *Runtime) Reconfigure(opts ...Option) error {
	var c config
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	check := c
	if !check.cpusSet {
		check.cpus = 1
	}
	if err := check.validate(); err != nil {
		return err
	}
	if c.cpusSet || c.resSet {
		if err := rt.resize(&c); err != nil {
			return err
		}
	}
	if c.traceSet {
		rt.trace.setCapacity(c.traceCap)
	}
	if c.progressSet {
		rt.progressAfter.Store(int64(c.progress))
	}
	if c.addressSet {
		return rt.connect(c.address, c.backend)
	}
	return nil
}

// resize applies the totals named in c, unless that strands a task.
func (rt *Runtime) resize(c *config) error {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	if err := rt.strandedLocked(c); err != nil {
		return err
	}
	if c.cpusSet {
		n := units(c.cpus)
		rt.cpuAvail += n - rt.cpuTotal
		rt.cpuTotal = n
	}
	if c.resSet {
		for k, v := range c.resources {
			n := units(v)
			rt.resAvail[k] += n - rt.resTotal[k]
			rt.resTotal[k] = n
		}
	}
	rt.dispatchLocked(nil)
	return nil
}

// strandedLocked returns an error naming the first unfinished task that
// needs more of a resource than the totals c would set.
func (rt *Runtime) strandedLocked(c *config) error {
	if held, by := rt.actorHeldLocked(cpuKey); c.cpusSet && held > units(c.cpus) {
		return invalidf("cannot resize to %v CPUs: actors hold %v (%s among them); ray.Kill one first",
			c.cpus, fromUnits(held), by)
	}
	if c.resSet {
		for k, v := range c.resources {
			if held, by := rt.actorHeldLocked(k); held > units(v) {
				return invalidf("cannot resize %s to %v: actors hold %v (%s among them); ray.Kill one first",
					k, v, fromUnits(held), by)
			}
		}
	}
	for t := rt.live; t != nil; t = t.next {
		o := &t.f.opts
		if c.cpusSet && o.cpu > units(c.cpus) {
			return invalidf("cannot resize to %v CPUs: unfinished task %s (#%d) needs %v; wait for it or cancel it first",
				c.cpus, t.f.name, t.id, fromUnits(o.cpu))
		}
		if !c.resSet {
			continue
		}
		for k, v := range c.resources {
			if need := o.res[k]; need > units(v) {
				return invalidf("cannot resize %s to %v: unfinished task %s (#%d) needs %v; wait for it or cancel it first",
					k, v, t.f.name, t.id, fromUnits(need))
			}
		}
	}
	return nil
}

// ClusterResources returns the total resources of rt: "CPU" and every custom
// resource, as given to New or Init. A runtime connected to a cluster whose
// Backend is a ResourceReporter returns the totals of the cluster's workers.
func (rt *Runtime) ClusterResources() map[string]float64 {
	if rr, ok := rt.backend().(ResourceReporter); ok {
		total, _ := rr.Resources()
		return total
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	m := map[string]float64{cpuKey: fromUnits(rt.cpuTotal)}
	for k, v := range rt.resTotal {
		m[k] = fromUnits(v)
	}
	return m
}

// AvailableResources returns the resources of rt not held by running tasks
// at the time of the call. A task blocked in Get, GetAll or Wait holds none.
// A runtime connected to a cluster whose Backend is a ResourceReporter
// returns what the cluster's workers last reported free.
func (rt *Runtime) AvailableResources() map[string]float64 {
	if rr, ok := rt.backend().(ResourceReporter); ok {
		_, free := rr.Resources()
		return free
	}
	rt.mu.Lock()
	defer rt.mu.Unlock()
	m := map[string]float64{cpuKey: fromUnits(max(rt.cpuAvail, 0))}
	for k, v := range rt.resAvail {
		m[k] = fromUnits(max(v, 0))
	}
	return m
}

// ClusterResources returns the total resources of the default runtime.
func ClusterResources() map[string]float64 { return Default().ClusterResources() }

// AvailableResources returns the free resources of the default runtime.
func AvailableResources() map[string]float64 { return Default().AvailableResources() }

// feasible reports an error if the request can never be met by rt's totals.
func (rt *Runtime) feasibleLocked(o *taskOptions) error {
	if rt.closed {
		return ErrShutdown
	}
	if o.cpu > rt.cpuTotal {
		return invalidf("task requests %v CPUs but the runtime has %v", fromUnits(o.cpu), fromUnits(rt.cpuTotal))
	}
	for k, v := range o.res {
		tot, ok := rt.resTotal[k]
		if !ok {
			return invalidf("task requests unknown resource %q (the runtime has %v)", k, sortedKeys(rt.resTotal))
		}
		if v > tot {
			return invalidf("task requests %v %s but the runtime has %v", fromUnits(v), k, fromUnits(tot))
		}
	}
	return nil
}

func sortedKeys(m map[string]int64) []string {
	ks := make([]string, 0, len(m)+1)
	ks = append(ks, cpuKey)
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks[1:])
	return ks
}

func (rt *Runtime) fitsLocked(t *task) bool {
	if t.f.opts.cpu > rt.cpuAvail {
		return false
	}
	for k, v := range t.f.opts.res {
		if v > rt.resAvail[k] {
			return false
		}
	}
	return true
}

func (rt *Runtime) takeLocked(t *task) {
	rt.cpuAvail -= t.f.opts.cpu
	for k, v := range t.f.opts.res {
		rt.resAvail[k] -= v
	}
	t.holding = true
}

// releaseLocked gives back t's resources if it holds them.
func (rt *Runtime) releaseLocked(t *task) {
	if !t.holding {
		return
	}
	t.holding = false
	rt.cpuAvail += t.f.opts.cpu
	for k, v := range t.f.opts.res {
		rt.resAvail[k] += v
	}
}

// enqueue makes t, whose dependencies are met, eligible to start.
func (rt *Runtime) enqueue(t *task) {
	rt.mu.Lock()
	rt.readyQ = append(rt.readyQ, t)
	rt.dispatchLocked(nil)
	rt.mu.Unlock()
}

// dispatchLocked starts tasks in FIFO order while resources allow. Tasks
// resuming after a blocking call go first; a head that does not fit blocks
// the queue behind it, so tasks start in submission order. self is the
// worker calling as it finishes a task, or nil.
func (rt *Runtime) dispatchLocked(self *worker) {
	for len(rt.resumeQ) > 0 {
		// Cancelled or not, its code runs on, so it needs its CPUs; an
		// actor's call takes back what its actor lent.
		t := rt.resumeQ[0]
		if t.role == roleCall {
			if !t.act.reclaimLocked() {
				return
			}
		} else if !rt.fitsLocked(t) {
			return
		}
		rt.resumeQ = rt.resumeQ[1:]
		rt.takeLocked(t)
		t.resume <- struct{}{}
	}
	for rt.readyH < len(rt.readyQ) {
		t := rt.readyQ[rt.readyH]
		if t.isDone() {
			rt.popReadyLocked()
			continue
		}
		if !rt.fitsLocked(t) {
			return
		}
		rt.popReadyLocked()
		rt.takeLocked(t)
		rt.startLocked(t, self)
	}
}

func (rt *Runtime) popReadyLocked() {
	rt.readyQ[rt.readyH] = nil
	rt.readyH++
	if rt.readyH == len(rt.readyQ) {
		rt.readyQ, rt.readyH = rt.readyQ[:0], 0
	} else if rt.readyH > 1024 && rt.readyH*2 > len(rt.readyQ) {
		n := copy(rt.readyQ, rt.readyQ[rt.readyH:])
		clear(rt.readyQ[n:])
		rt.readyQ, rt.readyH = rt.readyQ[:n], 0
	}
}

// laneLocked returns the lowest free timeline row.
func (rt *Runtime) laneLocked() int {
	for i, used := range rt.lanes {
		if !used {
			rt.lanes[i] = true
			return i
		}
	}
	rt.lanes = append(rt.lanes, true)
	return len(rt.lanes) - 1
}

// block gives back t's resources while it waits in Get, GetAll or Wait.
func (rt *Runtime) block(t *task) {
	rt.mu.Lock()
	rt.releaseLocked(t)
	if t.role == roleCall {
		t.act.lendLocked()
	}
	rt.dispatchLocked(nil)
	rt.mu.Unlock()
}

// unblock waits until t holds its resources again. A cancelled task waits
// too: its code goes on running until it returns, and holds its CPUs
// meanwhile.
func (rt *Runtime) unblock(t *task) {
	rt.mu.Lock()
	needs := t.f.opts.cpu > 0 || len(t.f.opts.res) > 0 || (t.role == roleCall && t.act.lent)
	if !needs { // no need to queue
		rt.takeLocked(t)
		rt.mu.Unlock()
		return
	}
	if t.resume == nil {
		t.resume = make(chan struct{}, 1)
	}
	rt.resumeQ = append(rt.resumeQ, t)
	rt.dispatchLocked(nil)
	rt.mu.Unlock()
	<-t.resume
}

// liveTasks returns the unfinished tasks for which keep is true.
func (rt *Runtime) liveTasks(keep func(*task) bool) []*task {
	var ts []*task
	for t := rt.live; t != nil; t = t.next {
		if keep(t) {
			ts = append(ts, t)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].id < ts[j].id })
	return ts
}

func (rt *Runtime) currentHost() Host {
	if b := rt.host.Load(); b != nil {
		return b.h
	}
	return nil
}

func (rt *Runtime) linkLocked(t *task) {
	t.next = rt.live
	if rt.live != nil {
		rt.live.prev = t
	}
	rt.live = t
}

func (rt *Runtime) unlinkLocked(t *task) {
	if t.prev != nil {
		t.prev.next = t.next
	} else if rt.live == t {
		rt.live = t.next
	}
	if t.next != nil {
		t.next.prev = t.prev
	}
	t.prev, t.next = nil, nil
}
