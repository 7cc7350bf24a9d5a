package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// counter is the state of the test actors; it never leaves its worker.
type counter struct {
	n       int
	log     []int
	running atomic.Int32
	peak    atomic.Int32
}

// actorBox is a value holding an actor handle.
type actorBox struct{ A *parallel.Actor }

func counterNew() *counter       { return &counter{} }
func counterIncr(c *counter) int { c.n++; return c.n }
func counterPid(c *counter) int  { return os.Getpid() }

func registerActorFuncs(r *Registry) {
	r.Register("counterNew", counterNew)
	r.Register("counterFail", func() (*counter, error) { return nil, errors.New("no counter today") })
	r.Register("counterIncr", counterIncr)
	r.Register("counterAdd", func(c *counter, k int) int { c.n += k; return c.n })
	r.Register("counterPid", counterPid)
	r.Register("counterAppend", func(c *counter, i int) int { c.log = append(c.log, i); return len(c.log) })
	r.Register("counterLog", func(c *counter) []int { return c.log })
	// actorInTask creates an actor inside a task on a worker and returns
	// the pid of its call and its count after three calls.
	r.Register("actorInTask", func() [2]int {
		a := parallel.NewActor(counterNew)
		parallel.Get(a.Remote(counterIncr))
		parallel.Get(a.Remote(counterIncr))
		return [2]int{parallel.Get(a.Remote(counterPid)).(int), parallel.Get(a.Remote(counterIncr)).(int)}
	})
	// incrTimes calls the actor a, a handle the driver sent, n times
	// and returns what the calls returned.
	r.Register("incrTimes", func(a *parallel.Actor, n int) []int {
		refs := make([]parallel.ObjectRef, n)
		for i := range refs {
			refs[i] = a.Remote(counterIncr)
		}
		var out []int
		for _, v := range parallel.GetAll(refs...) {
			out = append(out, v.(int))
		}
		return out
	})
	// selfWait is a call that waits for a later call of its own actor,
	// a handle to which it is given.
	r.Register("selfWait", func(c *counter, self *parallel.Actor) int {
		return parallel.Get(self.Remote(counterIncr)).(int)
	})
	r.Register("makeActor", func() *parallel.Actor {
		a := parallel.NewActor(counterNew)
		parallel.Get(a.Remote(counterIncr))
		return a
	})
	r.Register("incrBox", func(b actorBox) int { return parallel.Get(b.A.Remote(counterIncr)).(int) })
	r.Register("killActor", func(a *parallel.Actor) int { parallel.Kill(a); return 0 })
	// lookUpActor increments the counter actor named name, or returns
	// GetActor's error.
	r.Register("lookUpActor", func(name string) string {
		a, err := parallel.GetActor(name)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprint(parallel.Get(a.Remote(counterIncr)))
	})
	r.Register("counterWait", func(ctx context.Context, c *counter) int { <-ctx.Done(); return -1 })
	r.Register("counterSleep", func(c *counter, ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms })
	// counterOverlap waits (at most 5 s) until want calls have run at
	// once, and returns the most that ever did.
	r.Register("counterOverlap", func(c *counter, want int) int {
		n := c.running.Add(1)
		for {
			p := c.peak.Load()
			if n <= p || c.peak.CompareAndSwap(p, n) {
				break
			}
		}
		for end := time.Now().Add(5 * time.Second); c.peak.Load() < int32(want) && time.Now().Before(end); {
			time.Sleep(time.Millisecond)
		}
		c.running.Add(-1)
		return int(c.peak.Load())
	})
}

// TestClusterActors places actors on worker processes: calls run in the
// worker's process in order, MaxConcurrency holds there, refs go in and
// out of calls, names work in the driver, a failing or unshippable
// constructor is an error, Kill stops the actor on its worker, and a
// worker killed with SIGKILL fails its actors' calls with ActorDiedError.
func TestClusterActors(t *testing.T) {
	reg := testRegistry()
	fn := registryFunc(t, reg)
	tc := startCluster(t)
	tc.startWorker(1)
	tc.startWorker(1)
	rt, cl := tc.connect(2)
	pids := map[int]bool{}
	tc.mu.Lock()
	for _, w := range tc.workers {
		pids[w.Process.Pid] = true
	}
	tc.mu.Unlock()

	a := rt.NewActor(fn("counterNew"))
	incr := fn("counterIncr")
	refs := make([]parallel.ObjectRef, 20)
	for i := range refs {
		refs[i] = a.Remote(incr)
	}
	for i, r := range refs {
		if v := get(t, r); v != i+1 {
			t.Fatalf("call %d of counterIncr = %v, want %d (calls in submission order on one state)", i, v, i+1)
		}
	}
	pid := get(t, a.Remote(fn("counterPid"))).(int)
	if pid == os.Getpid() || !pids[pid] {
		t.Fatalf("the actor's call ran in pid %d; the driver is %d, the workers %v", pid, os.Getpid(), pids)
	}

	t.Run("order", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"))
		app := fn("counterAppend")
		for i := range 50 {
			b.Remote(app, i)
		}
		got := get(t, b.Remote(fn("counterLog"))).([]int)
		if len(got) != 50 {
			t.Fatalf("log has %d entries, want 50", len(got))
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("log = %v, want 0..49 in order", got)
			}
		}
	})

	t.Run("MaxConcurrency", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"), parallel.MaxConcurrency(2))
		ov := fn("counterOverlap")
		var refs []parallel.ObjectRef
		for range 6 {
			refs = append(refs, b.Remote(ov, 2))
		}
		for _, r := range refs {
			if v := get(t, r); v != 2 {
				t.Errorf("most calls at once = %v, want 2 (MaxConcurrency(2))", v)
			}
		}
	})

	t.Run("refs in and out", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"))
		sq := rt.Remote(fn("square")).Remote(5) // a task's ref as a call's argument
		r := b.Remote(fn("counterAdd"), sq)
		if v := get(t, r); v != 25 {
			t.Errorf("counterAdd(square(5)) = %v, want 25", v)
		}
		if v := get(t, rt.Remote(fn("inc")).Remote(r)); v != 26 { // a call's ref as a task's argument
			t.Errorf("inc(counterAdd(…)) = %v, want 26", v)
		}
		if v := get(t, b.Remote(fn("counterAdd"), rt.Put(3))); v != 28 {
			t.Errorf("counterAdd(Put(3)) = %v, want 28", v)
		}
	})

	t.Run("names", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"), parallel.ActorName("shared"))
		get(t, b.Remote(incr))
		c, err := rt.GetActor("shared")
		if err != nil || c != b {
			t.Fatalf("GetActor(shared) = %v, %v", c, err)
		}
		if v := get(t, c.Remote(incr)); v != 2 {
			t.Errorf("a call through GetActor's handle = %v, want 2", v)
		}
		if again := rt.NewActor(fn("counterNew"), parallel.ActorName("shared"), parallel.GetIfExists()); again != b {
			t.Errorf("GetIfExists made a new actor")
		}
	})

	t.Run("handle to a task", func(t *testing.T) {
		// Tasks on the workers call the actor through the handle they
		// were given: each task's calls in its order, on the one state.
		b := rt.NewActor(fn("counterNew"))
		r1, r2 := rt.Remote(fn("incrTimes")).Remote(b, 10), rt.Remote(fn("incrTimes")).Remote(b, 10)
		seen := map[int]bool{}
		for _, r := range []parallel.ObjectRef{r1, r2} {
			got := get(t, r).([]int)
			for i, v := range got {
				if seen[v] || (i > 0 && v <= got[i-1]) {
					t.Errorf("a task's calls returned %v: not increasing, or a count twice", got)
				}
				seen[v] = true
			}
		}
		if v := get(t, b.Remote(incr)); v != 21 {
			t.Errorf("after 20 calls from tasks, the driver's call = %v, want 21", v)
		}
		if v := get(t, rt.Remote(fn("incrBox")).Remote(actorBox{b})); v != 22 {
			t.Errorf("a call through a handle inside a struct = %v, want 22", v)
		}
		if got := get(t, rt.Remote(fn("anyArg")).Remote(b)).(string); !strings.HasPrefix(got, "*parallel.Actor") {
			t.Errorf("an actor handle in an interface arrived as %s", got)
		}
		// A task kills it through its handle (the kill reaches the
		// actor's worker on the task's connection, so the driver's calls
		// fail soon after, not at once).
		get(t, rt.Remote(fn("killActor")).Remote(b))
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			_, err := parallel.GetContext(context.Background(), b.Remote(incr))
			if err != nil {
				if !errors.Is(err, parallel.ErrActorDied) || !strings.Contains(err.Error(), "no longer has it") && !strings.Contains(err.Error(), "killed by ray.Kill") {
					t.Errorf("a call of an actor a task killed: %v", err)
				}
				break
			}
			if time.Now().After(end) {
				t.Fatal("the actor a task killed still answers")
			}
		}
	})

	t.Run("call waiting for its own actor", func(t *testing.T) {
		// As in process: the later call cannot start before the waiting
		// one returns, so the wait fails at once instead of hanging.
		b := rt.NewActor(fn("counterNew"))
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		_, err := parallel.GetContext(ctx, b.Remote(fn("selfWait"), b))
		if err == nil || ctx.Err() != nil || !strings.Contains(err.Error(), "waits for another call of the same actor") {
			t.Fatalf("a call waiting for a later call of its own actor: %v", err)
		}
		// The actor goes on (the nested call, from another caller, may run
		// before or after this one).
		if v := get(t, b.Remote(incr)); v != 1 && v != 2 {
			t.Errorf("the actor after the refused wait: count %v, want 1 or 2", v)
		}
		c := rt.NewActor(fn("counterNew"), parallel.MaxConcurrency(2))
		if v := get(t, c.Remote(fn("selfWait"), c)); v != 1 {
			t.Errorf("with MaxConcurrency(2) the wait works: got %v, want 1", v)
		}
	})

	t.Run("handle returned to the driver", func(t *testing.T) {
		// A task returns the handle of an actor it made; the driver's
		// default runtime (a notebook's) calls it.
		_, cl2 := tc.connect(2)
		parallel.Shutdown()
		parallel.Init(parallel.WithBackend(tc.head.URL(), cl2))
		defer parallel.Shutdown()
		h := parallel.Get(parallel.Remote(fn("makeActor")).Remote()).(*parallel.Actor)
		if v := get(t, h.Remote(incr)); v != 2 {
			t.Errorf("a call through a handle a task returned = %v, want 2", v)
		}
		// Dropped from the table when idle, the handle finds its actor
		// again at its next call.
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			cl2.pruneCalls()
			cl2.evictIdle(time.Now().Add(time.Hour))
			cl2.actors.mu.Lock()
			n := len(cl2.actors.byID)
			cl2.actors.mu.Unlock()
			if n == 0 {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("%d handles in the table after evictIdle, want 0", n)
			}
		}
		if v := get(t, h.Remote(incr)); v != 3 {
			t.Errorf("a call through an evicted handle = %v, want 3", v)
		}
	})

	t.Run("in a task on a worker", func(t *testing.T) {
		// An actor created by a task is placed on the cluster too; a
		// driver's names are its own.
		got := get(t, rt.Remote(fn("actorInTask")).Remote()).([2]int)
		if !pids[got[0]] || got[1] != 3 {
			t.Errorf("an actor made by a task: its call ran in pid %d (workers %v), its third increment = %d", got[0], pids, got[1])
		}
	})

	t.Run("names in the cluster", func(t *testing.T) {
		// The driver's named actor "shared" (2 increments so far) is found
		// by name from a task on a worker and from another driver; the
		// name is taken cluster-wide until the actor is killed.
		if got := get(t, rt.Remote(fn("lookUpActor")).Remote("shared")); got != "3" {
			t.Errorf("a task's call through GetActor(shared) = %v, want 3", got)
		}
		if got := get(t, rt.Remote(fn("lookUpActor")).Remote("nobody")).(string); !strings.Contains(got, `no actor named "nobody"`) {
			t.Errorf("GetActor of an unknown name on a worker: %s", got)
		}
		rt2, _ := tc.connect(2)
		h, err := rt2.GetActor("shared")
		if err != nil {
			t.Fatal(err)
		}
		if v := get(t, h.Remote(incr)); v != 4 {
			t.Errorf("another driver's call through GetActor(shared) = %v, want 4", v)
		}
		func() {
			defer func() {
				if err, _ := recover().(error); !errors.Is(err, parallel.ErrInvalidCall) || !strings.Contains(err.Error(), "exists in the cluster") {
					t.Errorf("another driver's NewActor under a taken name: %v", err)
				}
			}()
			rt2.NewActor(fn("counterNew"), parallel.ActorName("shared"))
		}()
		again := rt2.NewActor(fn("counterNew"), parallel.ActorName("shared"), parallel.GetIfExists())
		if v := get(t, again.Remote(incr)); v != 5 {
			t.Errorf("a call through GetIfExists's handle = %v, want 5", v)
		}
		s, _ := rt.GetActor("shared")
		parallel.Kill(s)
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if _, err := rt2.GetActor("shared"); err != nil {
				break
			}
			if time.Now().After(end) {
				t.Fatal("the name of a killed actor is still taken")
			}
		}
		fresh := rt2.NewActor(fn("counterNew"), parallel.ActorName("shared"))
		if v := get(t, fresh.Remote(incr)); v != 1 {
			t.Errorf("a new actor under a freed name = %v, want 1", v)
		}
	})

	t.Run("ActorCPUs", func(t *testing.T) {
		// An actor holding its worker's one CPU: that worker pulls no
		// task while the actor lives.
		b := rt.NewActor(fn("counterNew"), parallel.ActorCPUs(1))
		host := get(t, b.Remote(fn("counterPid"))).(int)
		for end := time.Now().Add(10 * time.Second); rt.AvailableResources()["CPU"] != 1; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("AvailableResources = %v, want the other worker's 1 CPU", rt.AvailableResources())
			}
		}
		var refs []parallel.ObjectRef
		for range 6 {
			refs = append(refs, rt.Remote(fn("pid")).Remote())
		}
		for _, r := range refs {
			if p := get(t, r); p == host {
				t.Errorf("a task ran on worker %d, whose CPU the actor holds", host)
			}
		}
		parallel.Kill(b)
		for end := time.Now().Add(10 * time.Second); rt.AvailableResources()["CPU"] != 2; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("AvailableResources after Kill = %v, want both CPUs", rt.AvailableResources())
			}
		}
	})

	t.Run("infeasible", func(t *testing.T) {
		defer func() {
			err, _ := recover().(error)
			if !errors.Is(err, parallel.ErrInvalidCall) || !strings.Contains(err.Error(), "no worker of the cluster has") {
				t.Errorf("NewActor of an actor no worker can hold: %v", err)
			}
		}()
		rt.NewActor(fn("counterNew"), parallel.ActorResources(map[string]float64{"GPU": 1}))
	})

	t.Run("Cancel and timeline", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"), parallel.ActorName("timed"))
		host := get(t, b.Remote(fn("counterPid"))).(int)
		w := b.Remote(fn("counterWait"))
		time.Sleep(50 * time.Millisecond)
		parallel.Cancel(w)
		if _, err := parallel.GetContext(context.Background(), w); !errors.Is(err, parallel.ErrCancelled) {
			t.Errorf("Get of a cancelled call: %v", err)
		}
		// The actor runs one call at a time: the next one runs only if the
		// cancelled call's context was cancelled on the worker.
		if v := get(t, b.Remote(incr)); v != 1 {
			t.Errorf("the call after a cancelled one = %v, want 1", v)
		}
		var buf bytes.Buffer
		if err := rt.WriteTimeline(&buf); err != nil {
			t.Fatal(err)
		}
		var tr struct {
			TraceEvents []struct {
				Name string `json:"name"`
				Ph   string `json:"ph"`
				Pid  int    `json:"pid"`
			} `json:"traceEvents"`
		}
		if err := json.Unmarshal(buf.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		calls := 0
		for _, e := range tr.TraceEvents {
			if e.Ph == "X" && e.Name == "timed" && e.Pid == host {
				calls++
			}
		}
		if calls < 2 { // counterPid and counterIncr at least
			t.Errorf("the trace has %d calls of actor timed in worker %d's process, want at least 2", calls, host)
		}
	})

	t.Run("Shutdown", func(t *testing.T) {
		rt2, cl2 := tc.connect(2)
		b := rt2.NewActor(fn("counterNew"))
		get(t, b.Remote(incr))
		subject := ""
		cl2.actors.mu.Lock()
		for _, ca := range cl2.actors.byID {
			subject = ca.host + ".c." + cl2.Session() + "." + strconv.FormatUint(ca.ra.ID, 10)
		}
		cl2.actors.mu.Unlock()
		rt2.Shutdown()
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			reply, err := cl.c.nc.Request(subject, nil, 5*time.Second)
			if err == nil && strings.Contains(string(reply.Data), "no longer has it") {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("after the driver's Shutdown its actor's worker answers %v %v", reply, err)
			}
		}
	})

	t.Run("constructor fails", func(t *testing.T) {
		b := rt.NewActor(fn("counterFail"))
		_, err := parallel.GetContext(context.Background(), b.Remote(incr))
		if !errors.Is(err, parallel.ErrActorDied) || !strings.Contains(err.Error(), "no counter today") {
			t.Errorf("call of an actor whose constructor failed: %v", err)
		}
	})

	t.Run("unshippable constructor", func(t *testing.T) {
		defer func() {
			err, _ := recover().(error)
			if !errors.Is(err, parallel.ErrInvalidCall) || !strings.Contains(err.Error(), "not registered") {
				t.Errorf("NewActor of an unregistered constructor: %v", err)
			}
		}()
		rt.NewActor(func() *counter { return &counter{} })
	})

	t.Run("Kill", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"))
		get(t, b.Remote(incr))
		label := strings.TrimSuffix(strings.TrimPrefix(b.String(), "Actor("), ")")
		subject := ""
		cl.actors.mu.Lock()
		for _, ca := range cl.actors.byID {
			if ca.ra.Label == label {
				subject = ca.host + ".c." + cl.Session() + "." + strconv.FormatUint(ca.ra.ID, 10)
			}
		}
		cl.actors.mu.Unlock()
		if subject == "" {
			t.Fatalf("actor %s is on no worker", label)
		}
		slow := b.Remote(fn("counterSleep"), 3000)
		time.Sleep(100 * time.Millisecond) // let it start on the worker
		parallel.Kill(b)
		for _, r := range []parallel.ObjectRef{slow, b.Remote(incr)} {
			var de *parallel.ActorDiedError
			if _, err := parallel.GetContext(context.Background(), r); !errors.As(err, &de) || !strings.Contains(de.Reason, "ray.Kill") {
				t.Errorf("call of a killed actor: %v", err)
			}
		}
		// The worker no longer has it: a call sent there is refused (the
		// kill and the calls have subscriptions of their own there, so
		// this is soon, not at once).
		for end := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			reply, err := cl.c.nc.Request(subject, nil, 5*time.Second)
			if err != nil {
				t.Fatalf("a call sent to the killed actor's worker: %v", err)
			}
			if strings.Contains(string(reply.Data), "no longer has it") {
				break
			}
			if time.Now().After(end) {
				t.Fatalf("a call sent to the killed actor's worker: reply %q, want that it no longer has it", reply.Data)
			}
		}
	})

	t.Run("worker killed", func(t *testing.T) {
		b := rt.NewActor(fn("counterNew"))
		victim := get(t, b.Remote(fn("counterPid"))).(int)
		slow := b.Remote(fn("counterSleep"), 20_000)
		time.Sleep(100 * time.Millisecond)
		if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for _, r := range []parallel.ObjectRef{slow, b.Remote(incr)} {
			var de *parallel.ActorDiedError
			if _, err := parallel.GetContext(ctx, r); !errors.As(err, &de) || !strings.Contains(de.Reason, "worker") {
				t.Errorf("call of an actor whose worker was killed: %v", err)
			}
		}
		t.Logf("the calls failed %v after the kill", time.Since(killed))
		// A new actor goes to the worker that is left.
		c := rt.NewActor(fn("counterNew"))
		p := get(t, c.Remote(fn("counterPid"))).(int)
		if p == victim || !pids[p] {
			t.Errorf("a new actor runs in pid %d, want the live worker", p)
		}

		// That worker frozen (SIGSTOP): its actor dies once it has not
		// answered for frozenAfter.
		slow = c.Remote(fn("counterSleep"), 20_000)
		time.Sleep(100 * time.Millisecond)
		if err := syscall.Kill(p, syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = syscall.Kill(p, syscall.SIGCONT) }()
		frozen := time.Now()
		fctx, fcancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer fcancel()
		var de *parallel.ActorDiedError
		if _, err := parallel.GetContext(fctx, slow); !errors.As(err, &de) || !strings.Contains(de.Reason, "stopped responding") {
			t.Errorf("call of an actor whose worker froze: %v", err)
		}
		t.Logf("the call failed %v after the worker froze", time.Since(frozen))
	})
}
