package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// The test binary is also the workers: with WARREN_TEST_WORKER set to a
// head's URL, TestMain runs a worker with testRegistry instead of tests.

func testRegistry() *Registry {
	r := NewRegistry()
	r.Register("square", func(x int) int { return x * x })
	r.Register("add", func(x, y int) int { return x + y })
	r.Register("sum", func(xs []int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})
	r.Register("fail", func(msg string) (int, error) { return 0, errors.New(msg) })
	r.Register("sleep", func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms })
	r.Register("pid", func() int { return os.Getpid() })
	r.Register("nested", func(x int) int {
		sq := parallel.Remote(squareOf)
		return parallel.Get(sq.Remote(x)).(int) + 1
	})
	r.Register("squareOf", squareOf)
	r.Register("markRun", markRun)
	r.Register("markRunNested", markRunNested)
	// slowPid marks that it started (a file named by its pid in dir), then
	// sleeps and returns its worker's pid.
	r.Register("slowPid", func(dir string, ms int) int {
		_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(os.Getpid())), nil, 0o644)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return os.Getpid()
	})
	r.Register("point", func(p point) point { return point{X: p.Y, Y: p.X} })
	r.Register("anyArg", func(v any) string { return fmt.Sprintf("%T %v", v, v) })
	r.Register("pair", func(x int) (int, string) { return x, strconv.Itoa(x) })
	r.Register("noop", func() {})
	r.Register("count", func(xs []any) int { return len(xs) })
	r.Register("inc", inc)
	// untilCancelled waits for its context, then marks dir.
	r.Register("untilCancelled", func(ctx context.Context, dir string) int {
		_ = os.WriteFile(filepath.Join(dir, "started"), nil, 0o644)
		<-ctx.Done()
		_ = os.WriteFile(filepath.Join(dir, "cancelled"), nil, 0o644)
		return 0
	})
	r.Register("slowSquare", func(x, ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return x * x })
	registerRefFuncs(r)
	r.Register("iota", func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	})
	return r
}

func squareOf(x int) int { return x * x }

func inc(x int) int { return x + 1 }

type point struct{ X, Y int }

func TestMain(m *testing.M) {
	if spec := os.Getenv("WARREN_TEST_HEAD"); spec != "" { // name, listen, cluster listen, store, routes...
		f := strings.Split(spec, ",")
		_, err := StartHead(HeadOptions{Name: f[0], Listen: f[1], ClusterListen: f[2], StoreDir: f[3], Routes: f[4:]})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		select {} // until killed
	}
	if addr := os.Getenv("WARREN_TEST_WORKER"); addr != "" {
		cpus, _ := strconv.Atoi(os.Getenv("WARREN_TEST_CPUS"))
		var res map[string]float64
		if name := os.Getenv("WARREN_TEST_RESOURCE"); name != "" {
			res = map[string]float64{name: 1}
		}
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		err := RunWorker(ctx, addr, WorkerOptions{CPUs: cpus, Resources: res, Loader: testRegistry(),
			Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testCluster is a head in the test process and workers as subprocesses.
type testCluster struct {
	t       testing.TB
	head    *Head
	store   string
	mu      sync.Mutex
	workers []*exec.Cmd
}

func startCluster(t testing.TB) *testCluster {
	t.Helper()
	tc := &testCluster{t: t, store: t.TempDir()}
	h, err := StartHead(HeadOptions{Listen: "127.0.0.1:0", StoreDir: tc.store})
	if err != nil {
		t.Fatal(err)
	}
	tc.head = h
	t.Cleanup(func() {
		tc.mu.Lock()
		for _, w := range tc.workers {
			_ = w.Process.Kill()
			_ = w.Wait()
		}
		tc.mu.Unlock()
		tc.head.Shutdown()
	})
	return tc
}

// startWorker starts a worker process with cpus CPUs.
func (tc *testCluster) startWorker(cpus int) *exec.Cmd {
	tc.t.Helper()
	cmd := startProcess(tc.t, "WARREN_TEST_WORKER="+tc.head.URL(), "WARREN_TEST_CPUS="+strconv.Itoa(cpus))
	tc.mu.Lock()
	tc.workers = append(tc.workers, cmd)
	tc.mu.Unlock()
	return cmd
}

// startProcess starts this test binary with env added (see TestMain);
// it is killed at the end of the test.
func startProcess(t testing.TB, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// connect returns a runtime connected to the cluster once n workers are up.
func (tc *testCluster) connect(n int) (*parallel.Runtime, *Client) {
	tc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := Connect(ctx, tc.head.URL(), testRegistry())
	if err != nil {
		tc.t.Fatal(err)
	}
	for {
		cl.mu.Lock()
		up := len(cl.workers)
		cl.mu.Unlock()
		if up >= n {
			break
		}
		if ctx.Err() != nil {
			tc.t.Fatalf("only %d of %d workers came up", up, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt := parallel.New(parallel.WithBackend(tc.head.URL(), cl))
	tc.t.Cleanup(rt.Shutdown)
	return rt, cl
}

func get(t *testing.T, r parallel.ObjectRef) any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := parallel.GetContext(ctx, r)
	if err != nil {
		t.Fatalf("Get %v: %v", r, err)
	}
	return v
}

// TestCluster runs tasks on two worker processes: results, Put values and
// refs as arguments, Wait, task errors, nested tasks, infeasible requests,
// the timeline, and a worker killed with SIGKILL while it runs a task.
func TestCluster(t *testing.T) {
	reg := testRegistry()
	fn := func(name string) any {
		v, err := reg.Load(context.Background(), FuncRef{Name: name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v.Interface()
	}
	tc := startCluster(t)
	tc.startWorker(2)
	tc.startWorker(2)
	rt, cl := tc.connect(2)

	if total := rt.ClusterResources(); total["CPU"] != 4 {
		t.Errorf("ClusterResources = %v, want the workers' 4 CPUs", total)
	}
	if free := rt.AvailableResources(); free["CPU"] != 4 {
		t.Errorf("AvailableResources = %v, want 4 idle CPUs", free)
	}
	square := rt.Remote(fn("square"))
	refs := make([]parallel.ObjectRef, 8)
	for i := range refs {
		refs[i] = square.Remote(i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	vals, err := parallel.GetAllContext(ctx, refs...)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if v != i*i {
			t.Errorf("square(%d) = %v", i, v)
		}
	}

	t.Run("refs and Put as arguments", func(t *testing.T) {
		big := make([]int, 100_000) // uploaded once (larger than a task message should carry)
		for i := range big {
			big[i] = i
		}
		p := rt.Put(big)
		s1, s2 := rt.Remote(fn("sum")).Remote(p), rt.Remote(fn("sum")).Remote(p)
		a := rt.Remote(fn("add")).Remote(refs[3], rt.Remote(fn("sum")).Remote(rt.Put([]int{1, 2, 3})))
		if v := get(t, a); v != 15 {
			t.Errorf("add(square(3), sum(1,2,3)) = %v, want 15", v)
		}
		want := 100_000 * 99_999 / 2
		if v1, v2 := get(t, s1), get(t, s2); v1 != want || v2 != want {
			t.Errorf("sum of the Put slice = %v, %v, want %d", v1, v2, want)
		}
		keys, err := cl.c.objects.Keys(ctx)
		uploads := 0
		for _, k := range keys {
			if strings.HasPrefix(k, "p."+cl.Session()+".") {
				uploads++
			}
		}
		if err != nil || uploads != 1 { // the large slice once, and {1, 2, 3} (small) never
			t.Errorf("uploaded values: %d (%v), want 1", uploads, err)
		}
		runtime.KeepAlive(p)                                          // else its upload may be deleted already
		long := get(t, rt.Remote(fn("iota")).Remote(100_000)).([]int) // a result over 256 KB: through the object store
		if len(long) != 100_000 || long[99_999] != 99_999 {
			t.Errorf("iota(100000) has %d elements", len(long))
		}
		if v := get(t, rt.Remote(fn("point")).Remote(point{1, 2})); v != (point{2, 1}) {
			t.Errorf("point = %v", v)
		}
		if v := get(t, rt.Remote(fn("anyArg")).Remote(refs[2])); v != "int 4" {
			t.Errorf("anyArg(ref to 4) = %v", v)
		}
		p7 := rt.Remote(fn("pair")).Remote(7)
		if v := get(t, p7); fmt.Sprint(v) != "[7 7]" {
			t.Errorf("pair(7) = %#v", v)
		}
		if v := get(t, rt.Remote(fn("count")).Remote(p7)); v != 2 { // both results, as one []any
			t.Errorf("count(pair(7)) = %v", v)
		}
		rs, err := rt.Remote(fn("pair")).Options(parallel.NumReturns(2)).Submit(8)
		if err != nil {
			t.Fatal(err)
		}
		if v := get(t, rt.Remote(fn("add")).Remote(rs[0], 1)); v != 9 {
			t.Errorf("add(pair(8)[0], 1) = %v", v)
		}
		if v := get(t, rt.Remote(fn("noop")).Remote()); v != nil {
			t.Errorf("noop = %v", v)
		}
	})

	t.Run("Wait", func(t *testing.T) {
		sleep := rt.Remote(fn("sleep"))
		slow, fast := sleep.Remote(3000), sleep.Remote(1)
		ready, notReady := parallel.Wait([]parallel.ObjectRef{slow, fast}, 1, 20*time.Second)
		if len(ready) != 1 || ready[0] != fast || len(notReady) != 1 {
			t.Errorf("Wait = %v, %v; want the fast task ready", ready, notReady)
		}
	})

	t.Run("errors", func(t *testing.T) {
		_, err := parallel.GetContext(ctx, rt.Remote(fn("fail")).Remote("boom on a worker"))
		var te *parallel.TaskError
		if !errors.As(err, &te) || te.Message != "boom on a worker" {
			t.Fatalf("err = %v, want a TaskError with the worker's message", err)
		}
		var re *RemoteError
		if !errors.As(err, &re) || re.System || re.Type != "*errors.errorString" {
			t.Errorf("cause = %#v, want a task (not system) RemoteError", re)
		}
		_, err = rt.Remote(fn("square")).Options(parallel.TaskResources(map[string]float64{"GPU": 1})).Submit(1)
		if !errors.Is(err, parallel.ErrInvalidCall) || !strings.Contains(err.Error(), "no worker of the cluster has") {
			t.Errorf("infeasible: err = %v", err)
		}
		_, err = parallel.GetContext(ctx, rt.Remote(fn("anyArg")).Remote(unregistered{1}))
		if !errors.As(err, &te) || !strings.Contains(err.Error(), "register its type with gob.Register") {
			t.Errorf("unregistered type in an interface: err = %v", err)
		}
		if v := get(t, rt.Remote(fn("anyArg")).Remote([]string{"a"})); v != "[]string [a]" {
			t.Errorf("anyArg([]string) = %v", v)
		}
		_, err = rt.Remote(func() {}).Submit()
		if !errors.Is(err, parallel.ErrInvalidCall) || !strings.Contains(err.Error(), "not registered") {
			t.Errorf("unregistered function: err = %v", err)
		}
	})

	t.Run("Register and Address", func(t *testing.T) {
		Register(reg)
		defer parallel.SetDialer(nil)
		rt2 := parallel.New(parallel.Address(tc.head.URL()))
		defer rt2.Shutdown()
		if v := get(t, rt2.Remote(fn("square")).Remote(9)); v != 81 {
			t.Errorf("square(9) through Address = %v", v)
		}
	})

	t.Run("values deleted when refs are dropped", func(t *testing.T) {
		cl2, err := Connect(ctx, tc.head.URL(), reg)
		if err != nil {
			t.Fatal(err)
		}
		rt2 := parallel.New(parallel.WithBackend(tc.head.URL(), cl2))
		defer rt2.Shutdown()
		countOf := func(prefix string) int {
			keys, err := cl2.c.objects.Keys(ctx)
			if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
				t.Fatal(err)
			}
			n := 0
			for _, k := range keys {
				if strings.HasPrefix(k, prefix+cl2.Session()+".") {
					n++
				}
			}
			return n
		}
		count := func() int { return countOf("r.") }
		keep := rt2.Remote(fn("square")).Remote(6)
		drop := rt2.Remote(fn("square")).Remote(7)
		if v := get(t, rt2.Remote(fn("add")).Remote(drop, keep)); v != 85 {
			t.Errorf("add = %v", v)
		}
		if n := count(); n != 3 {
			t.Fatalf("%d results stored, want 3", n)
		}
		// drop is dropped from here on (not before the count: a GC
		// meanwhile would release it).
		runtime.KeepAlive(drop)
		for count() != 1 { // only keep's result is left
			runtime.GC()
			if ctx.Err() != nil {
				t.Fatalf("%d results left after their refs were dropped, want 1", count())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if v := get(t, keep); v != 36 {
			t.Errorf("keep = %v", v)
		}
		runtime.KeepAlive(keep)
		// A large Put value, uploaded for a task, goes once its ref is dropped.
		func() {
			p := rt2.Put(make([]int, 100_000))
			if v := get(t, rt2.Remote(fn("sum")).Remote(p)); v != 0 {
				t.Errorf("sum = %v", v)
			}
		}()
		if n := countOf("p."); n != 1 {
			t.Fatalf("%d uploads, want 1", n)
		}
		for countOf("p.") != 0 {
			runtime.GC()
			if ctx.Err() != nil {
				t.Fatal("the upload outlived its ref")
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("nested", func(t *testing.T) {
		if v := get(t, rt.Remote(fn("nested")).Remote(5)); v != 26 {
			t.Errorf("nested(5) = %v, want 26", v)
		}
	})

	t.Run("timeline", func(t *testing.T) {
		pids := map[int]bool{}
		// Four tasks on four CPUs: both workers run some.
		var hold []parallel.ObjectRef
		for range 4 {
			hold = append(hold, rt.Remote(fn("sleep")).Remote(300))
		}
		if _, err := parallel.GetAllContext(ctx, hold...); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := rt.WriteTimeline(&buf); err != nil {
			t.Fatal(err)
		}
		var tr struct {
			TraceEvents []struct {
				Name string         `json:"name"`
				Ph   string         `json:"ph"`
				Pid  int            `json:"pid"`
				Args map[string]any `json:"args"`
			} `json:"traceEvents"`
		}
		if err := json.Unmarshal(buf.Bytes(), &tr); err != nil {
			t.Fatal(err)
		}
		for _, e := range tr.TraceEvents {
			if e.Ph == "M" && e.Name == "process_name" && strings.HasPrefix(fmt.Sprint(e.Args["name"]), "worker ") {
				pids[e.Pid] = true
			}
		}
		if len(pids) != 2 {
			t.Errorf("trace has worker processes %v, want 2", pids)
		}
	})

	t.Run("Cancel", func(t *testing.T) {
		dir := t.TempDir()
		r := rt.Remote(fn("untilCancelled")).Remote(dir)
		waitFile(t, ctx, filepath.Join(dir, "started"))
		if !parallel.Cancel(r) {
			t.Fatal("Cancel returned false")
		}
		if _, err := parallel.GetContext(ctx, r); !errors.Is(err, parallel.ErrCancelled) {
			t.Errorf("Get of a cancelled task: %v", err)
		}
		waitFile(t, ctx, filepath.Join(dir, "cancelled")) // the worker cancelled the task's context

		// A task cancelled while queued (all 4 CPUs busy) is skipped.
		var busy []parallel.ObjectRef
		for i := range 4 {
			d := filepath.Join(dir, strconv.Itoa(i))
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			busy = append(busy, rt.Remote(fn("untilCancelled")).Remote(d))
			waitFile(t, ctx, filepath.Join(d, "started"))
		}
		queued := filepath.Join(dir, "queued")
		if err := os.Mkdir(queued, 0o755); err != nil {
			t.Fatal(err)
		}
		q := rt.Remote(fn("untilCancelled")).Remote(queued)
		parallel.Cancel(q)
		for _, b := range busy {
			parallel.Cancel(b)
		}
		c, err := dial(ctx, tc.head.URL(), "test")
		if err != nil {
			t.Fatal(err)
		}
		defer c.close()
		for {
			info, err := c.tasks.Info(ctx)
			if err == nil && info.NumPending == 0 && info.NumAckPending == 0 {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("the queue never drained: %+v %v", info, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if _, err := os.Stat(filepath.Join(queued, "started")); err == nil {
			t.Error("the task cancelled while queued ran")
		}
	})

	t.Run("long tasks run once", func(t *testing.T) {
		// Tasks three times as long as JetStream's AckWait, one of them
		// blocked in Get meanwhile: the workers' in-progress acks keep
		// them from being redelivered, so each runs exactly once.
		dir := t.TempDir()
		ms := int(3 * ackWait / time.Millisecond)
		refs := []parallel.ObjectRef{
			rt.Remote(fn("markRun")).Remote(dir, "plain", ms),
			rt.Remote(fn("markRunNested")).Remote(dir, "outer", ms),
		}
		for _, r := range refs {
			if v := get(t, r); v != ms {
				t.Errorf("result %v, want %d", v, ms)
			}
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		runs := map[string]int{}
		for _, e := range ents {
			runs[strings.SplitN(e.Name(), ".", 2)[0]]++
		}
		want := map[string]int{"plain": 1, "outer": 1, "outer-nested": 1}
		if fmt.Sprint(runs) != fmt.Sprint(want) {
			t.Errorf("runs per task = %v, want %v", runs, want)
		}
	})

	t.Run("worker killed mid-task", func(t *testing.T) {
		dir := t.TempDir()
		r := rt.Remote(fn("slowPid")).Remote(dir, 1500)
		var victim int
		for victim == 0 {
			ents, _ := os.ReadDir(dir)
			if len(ents) > 0 {
				victim, _ = strconv.Atoi(ents[0].Name())
			}
			if ctx.Err() != nil {
				t.Fatal("the task never started")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		v := get(t, r)
		if v == victim || v == 0 {
			t.Fatalf("result from pid %v; the killed worker was %d", v, victim)
		}
		// Timing is logged, not asserted (BENCHMARKS.md has the numbers).
		t.Logf("task restarted on worker %v after worker %d was killed: result %.3f s after the kill (the task takes 1.5 s)",
			v, victim, time.Since(killed).Seconds())
		// The killed worker's CPUs leave the cluster's resources once it
		// missed its heartbeats.
		for rt.ClusterResources()["CPU"] != 2 {
			if ctx.Err() != nil {
				t.Fatalf("ClusterResources = %v after a worker died, want 2 CPUs", rt.ClusterResources())
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// TestHeadRestartKeepsQueuedTasks queues tasks while no worker runs,
// restarts the head on the same store, and then starts a worker: the
// tasks were kept in the file store and their results reach the driver.
// Tasks submitted while the head is down are queued when it is back. Then a
// task blocked in Get gives its worker's only CPU back.
func TestHeadRestartKeepsQueuedTasks(t *testing.T) {
	reg := testRegistry()
	square, _ := reg.Load(context.Background(), FuncRef{Name: "square"}, nil)
	tc := startCluster(t)
	rt, cl := tc.connect(0)
	refs := make([]parallel.ObjectRef, 5)
	for i := range refs {
		refs[i] = rt.Remote(square.Interface()).Remote(i + 1)
	}
	// The publications are asynchronous: wait until the stream holds them.
	c, err := dial(context.Background(), tc.head.URL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		info, err := c.tasks.Info(context.Background())
		if err == nil && info.NumPending >= uint64(len(refs)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tasks not queued: %v %v", info, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	c.close()
	url := tc.head.URL()
	tc.head.Shutdown()
	// Submitted while the head is down: queued once it is back.
	for range 2 {
		refs = append(refs, rt.Remote(square.Interface()).Remote(len(refs)+1))
	}
	time.Sleep(300 * time.Millisecond)
	h, err := StartHead(HeadOptions{Listen: strings.TrimPrefix(url, "nats://"), StoreDir: tc.store})
	if err != nil {
		t.Fatal(err)
	}
	tc.head = h
	tc.startWorker(1)
	for i, r := range refs {
		if v := get(t, r); v != (i+1)*(i+1) {
			t.Errorf("square(%d) = %v", i+1, v)
		}
	}
	// The only worker has one CPU: the nested task can run only because
	// its parent, blocked in Get, gave the CPU back.
	// Both tasks went through the task stream.
	c, err = dial(context.Background(), tc.head.URL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	before, err := c.tasks.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nested, _ := reg.Load(context.Background(), FuncRef{Name: "nested"}, nil)
	if v := get(t, rt.Remote(nested.Interface()).Remote(4)); v != 17 {
		t.Errorf("nested(4) on a 1-CPU worker = %v, want 17", v)
	}
	after, err := c.tasks.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := after.Delivered.Stream - before.Delivered.Stream; n != 2 {
		t.Errorf("the stream delivered %d tasks for a task and its nested task, want 2", n)
	}
	// Shutdown deletes the session's values.
	rt.Shutdown()
	keys, err := c.objects.Keys(context.Background())
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		t.Fatal(err)
	}
	for _, k := range keys {
		if strings.Contains(k, "."+cl.Session()+".") {
			t.Errorf("key left after Shutdown: %s", k)
		}
	}
}

// waitFile waits until path exists.
func waitFile(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
