package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// TestCluster runs tasks on two worker processes: results, Put values and
// refs as arguments, Wait, task errors, nested tasks, infeasible requests,
// the timeline, and a worker killed with SIGKILL while it runs a task.
func TestCluster(t *testing.T) {
	reg := testRegistry()
	fn := registryFunc(t, reg)
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
		sum := rt2.Remote(fn("add")).Remote(drop, keep)
		if v := get(t, sum); v != 85 {
			t.Errorf("add = %v", v)
		}
		if n := count(); n != 3 {
			t.Fatalf("%d results stored, want 3", n)
		}
		runtime.KeepAlive(sum) // not released (by a GC) before the count
		// drop is dropped from here on (not before the count: a GC
		// meanwhile would release it).
		runtime.KeepAlive(drop)
		for count() != 1 { // only keep's result is left (sum's and drop's are released)
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
		drained(t, ctx, c)
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
		runs := runCounts(t, dir)
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
