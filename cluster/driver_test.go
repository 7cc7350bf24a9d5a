package cluster

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

func registerDriverFuncs(r *Registry) {
	r.Register("blockUntilCancelled", blockUntilCancelled)
	r.Register("waitNested", waitNested)
}

// blockUntilCancelled marks dir/started, waits for its context, then
// marks dir/cancelled.
func blockUntilCancelled(ctx context.Context, dir string) int {
	_ = os.WriteFile(filepath.Join(dir, "started"), nil, 0o644)
	<-ctx.Done()
	_ = os.WriteFile(filepath.Join(dir, "cancelled"), nil, 0o644)
	return 0
}

// waitNested submits blockUntilCancelled tasks for dir/n0 … dir/n<n-1>
// (nested tasks, through the cluster) and waits for them.
func waitNested(dir string, n int) int {
	var refs []parallel.ObjectRef
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("n%d", i))
		if err := os.MkdirAll(d, 0o755); err != nil {
			panic(err)
		}
		refs = append(refs, parallel.Remote(blockUntilCancelled).Remote(d))
	}
	_, err := parallel.GetAllContext(context.Background(), refs...)
	if err != nil {
		panic(err)
	}
	return n
}

// started returns the subdirectories of dir marked started, and how many
// of them are marked cancelled.
func started(t *testing.T, dir string) (names []string, cancelled int) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if _, err := os.Stat(filepath.Join(dir, e.Name(), "started")); err == nil {
			names = append(names, e.Name())
			if _, err := os.Stat(filepath.Join(dir, e.Name(), "cancelled")); err == nil {
				cancelled++
			}
		}
	}
	return names, cancelled
}

// mkdirs makes dir/<prefix>0 … dir/<prefix><n-1>.
func mkdirs(t *testing.T, dir, prefix string, n int) []string {
	t.Helper()
	var ds []string
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("%s%d", prefix, i))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	return ds
}

// drained waits until the task stream holds no task, queued or delivered.
func drained(t *testing.T, ctx context.Context, c *conn) {
	t.Helper()
	for {
		info, err := c.tasks.Info(ctx)
		if err == nil && info.NumPending == 0 && info.NumAckPending == 0 {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("the task stream never drained: %+v %v", info, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestShutdownWithdrawsTasks: the tasks a driver queued are not run once
// it called Shutdown, whether the worker was connected then (it runs only
// the task it had started, whose context is cancelled) or connects later.
func TestShutdownWithdrawsTasks(t *testing.T) {
	reg := testRegistry()
	fn := registryFunc(t, reg)
	tc := startCluster(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := dial(ctx, tc.head.URL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()

	// No worker yet: ten tasks queued, then Shutdown, then a worker.
	dir := t.TempDir()
	rt, _ := tc.connect(0)
	for _, d := range mkdirs(t, dir, "early", 10) {
		rt.Remote(fn("blockUntilCancelled")).Remote(d)
	}
	for {
		info, err := c.tasks.Info(ctx)
		if err == nil && info.NumPending == 10 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("tasks not queued: %v %v", info, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt.Shutdown()
	tc.startWorker(1)
	drained(t, ctx, c)
	if names, _ := started(t, dir); len(names) != 0 {
		t.Fatalf("a worker that connected after Shutdown ran %v", names)
	}

	// A one-CPU worker runs one of 20 tasks; Shutdown cancels it, and the
	// other 19 never run.
	rt2, _ := tc.connect(1)
	dir2 := t.TempDir()
	for _, d := range mkdirs(t, dir2, "t", 20) {
		rt2.Remote(fn("blockUntilCancelled")).Remote(d)
	}
	for {
		if names, _ := started(t, dir2); len(names) > 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("no task started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt2.Shutdown()
	drained(t, ctx, c)
	names, cancelled := started(t, dir2)
	for len(names) == 1 && cancelled == 0 && ctx.Err() == nil { // the mark follows the task's end
		time.Sleep(20 * time.Millisecond)
		names, cancelled = started(t, dir2)
	}
	if len(names) != 1 || cancelled != 1 {
		t.Errorf("after Shutdown: started %v, %d of them cancelled; want the one started before, cancelled", names, cancelled)
	}
}

// runTestDriver is the driver process of TestDriverKilled (WARREN_TEST_DRIVER
// = head URL, dir): it prints its session, stores a large Put value and a
// result, gets the result of a task that returns the refs of its nested
// tasks, queues a task whose nested tasks block on a one-CPU worker and
// then more tasks, prints "queued" and waits to be killed.
func runTestDriver(spec string) {
	addr, dir, _ := strings.Cut(spec, ",")
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "test driver:", err)
		os.Exit(1)
	}
	ctx := context.Background()
	reg := testRegistry()
	cl, err := Connect(ctx, addr, reg)
	if err != nil {
		fail(err)
	}
	rt := parallel.New(parallel.WithBackend(addr, cl))
	fmt.Println(cl.Session())
	load := func(name string) any {
		v, err := reg.Load(ctx, FuncRef{Name: name}, nil)
		if err != nil {
			fail(err)
		}
		return v.Interface()
	}
	big := make([]int, 100_000)
	for i := range big {
		big[i] = 1<<40 + i // 7 bytes each in gob: over inlineMax
	}
	p := rt.Put(big) // uploaded: a key and a large value
	// Kept: its result is one of the driver's values.
	sum := rt.Remote(load("sum")).Remote(p)
	if _, err := parallel.GetContext(ctx, sum); err != nil {
		fail(err)
	}
	// A result holding the refs of nested tasks: the worker holds their
	// values for it.
	fan, err := parallel.GetContext(ctx, rt.Remote(load("fanout")).Remote(3))
	if err != nil {
		fail(err)
	}
	if _, err := parallel.GetAllContext(ctx, fan.([]parallel.ObjectRef)...); err != nil {
		fail(err)
	}
	// An actor on the worker, which dies with the driver.
	victim := rt.NewActor(load("counterNew"), parallel.ActorName("victim"))
	called := victim.Remote(load("counterIncr"))
	if _, err := parallel.GetContext(ctx, called); err != nil {
		fail(err)
	}
	root := rt.Remote(load("waitNested")).Remote(dir, 3)
	for { // its first nested task holds the worker's CPU
		if _, err := os.Stat(filepath.Join(dir, "n0", "started")); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := range 6 {
		d := filepath.Join(dir, fmt.Sprintf("t%d", i))
		if err := os.Mkdir(d, 0o755); err != nil {
			fail(err)
		}
		rt.Remote(load("blockUntilCancelled")).Remote(d)
	}
	fmt.Println("queued")
	defer runtime.KeepAlive(p)
	defer runtime.KeepAlive(sum)
	defer runtime.KeepAlive(victim)
	defer runtime.KeepAlive(called)
	defer runtime.KeepAlive(root)
	defer runtime.KeepAlive(fan)
	select {} // until killed
}

// A processOut is a process started by startProcessOut.
type processOut struct {
	cmd *exec.Cmd
	out io.Reader // its standard output
}

// startProcessOut is startProcess with the process's standard output.
func startProcessOut(t *testing.T, env ...string) processOut {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return processOut{cmd: cmd, out: out}
}

// TestDriverKilled: a driver process killed with
// SIGKILL leaves a task running on a one-CPU worker (a nested task of its
// task), more queued, and values in the cluster. Once the workers count it
// dead (5 of their heartbeats without one of the driver's), the running
// task's context is cancelled, no queued task runs, and its values are
// deleted, and so are the values the worker held for it.
func TestDriverKilled(t *testing.T) {
	tc := startCluster(t)
	tc.startWorker(1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := dial(ctx, tc.head.URL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	dir := t.TempDir()
	drv := startProcessOut(t, "WARREN_TEST_DRIVER="+tc.head.URL()+","+dir)
	lines := bufio.NewScanner(drv.out)
	if !lines.Scan() {
		t.Fatal("the driver printed no session")
	}
	sess := lines.Text()
	if !lines.Scan() || lines.Text() != "queued" {
		t.Fatalf("the driver did not queue its tasks: %q", lines.Text())
	}
	owned := func() (keys, blobs []string) {
		ks, err := c.objects.Keys(ctx)
		if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
			t.Fatal(err)
		}
		for _, k := range ks {
			if strings.Contains(k, "."+sess+".") {
				keys = append(keys, k)
			}
		}
		objs, err := c.blobs.List(ctx)
		if err != nil && !errors.Is(err, jetstream.ErrNoObjectsFound) {
			t.Fatal(err)
		}
		for _, o := range objs {
			if strings.Contains(o.Name, "."+sess+".") {
				blobs = append(blobs, o.Name)
			}
		}
		return keys, blobs
	}
	if keys, blobs := owned(); len(keys) != 5 || len(blobs) != 1 {
		t.Fatalf("before the kill: keys %v, blobs %v; want the upload, two tasks' results, the actor's constructor's and call's results, and the upload's blob", keys, blobs)
	}
	// The worker's results of the nested tasks whose refs the driver holds.
	var nested []string
	ks, err := c.objects.Keys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ks {
		if strings.HasPrefix(k, "r.") && !strings.Contains(k, "."+sess+".") {
			nested = append(nested, k)
		}
	}
	if len(nested) != 3 {
		t.Fatalf("nested results %v, want 3", nested)
	}
	// Another driver calls the dead driver's actor, before and after.
	rt2, cl2 := tc.connect(1)
	victim, err := rt2.GetActor("victim")
	if err != nil {
		t.Fatal(err)
	}
	incr := registryFunc(t, testRegistry())("counterIncr")
	if v, err := parallel.GetContext(ctx, victim.Remote(incr)); err != nil || v != 2 {
		t.Fatalf("a call of the driver's actor before the kill: %v, %v; want 2", v, err)
	}
	if err := drv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	_ = drv.cmd.Wait()
	cancelled := filepath.Join(dir, "n0", "cancelled")
	waitFile(t, ctx, cancelled) // the nested task running for the dead driver
	fi, err := os.Stat(cancelled)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the dead driver's running task was cancelled %.2f s after the kill", fi.ModTime().Sub(killed).Seconds())
	for { // its actor was killed on the worker
		_, err := parallel.GetContext(ctx, victim.Remote(incr))
		if errors.Is(err, parallel.ErrActorDied) {
			t.Logf("the dead driver's actor was gone %.2f s after the kill: %v", time.Since(killed).Seconds(), err)
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the dead driver's actor still answers: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	drained(t, ctx, c)
	if names, _ := started(t, dir); len(names) != 1 {
		t.Errorf("tasks started: %v; want only n0, which ran before the kill", names)
	}
	for {
		keys, blobs := owned()
		if len(keys) == 0 && len(blobs) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the dead driver's values are still there: %v %v", keys, blobs)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("its values were deleted %.2f s after the kill", time.Since(killed).Seconds())

	// The worker dropped the refs it held for the dead driver's result:
	// after a garbage collection there, their values go.
	rt, cl := tc.connect(1)
	gc := rt.Remote(registryFunc(t, testRegistry())("gc"))
	for {
		get(t, gc.Remote())
		ks, err := c.objects.Keys(ctx)
		if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
			t.Fatal(err)
		}
		left := 0
		for _, k := range ks {
			if slices.Contains(nested, k) {
				left++
			}
		}
		if left == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d of the values the worker held for the dead driver are still there", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Nothing else was stored for it (no result of its withdrawn tasks),
	// except the mark that it was counted dead.
	ks, err = c.objects.Keys(ctx)
	if err != nil && !errors.Is(err, jetstream.ErrNoKeysFound) {
		t.Fatal(err)
	}
	for _, k := range ks {
		if !strings.HasPrefix(k, "r."+cl.Session()+".") && !strings.HasPrefix(k, "r."+cl2.Session()+".") && k != goneKey(sess) {
			t.Errorf("left in the cluster: %s", k)
		}
	}

	// A task of a driver the worker never heard of (one that died long
	// ago: its heartbeat expired) is looked up, found missing, and dropped.
	x := t.TempDir()
	var args []argMsg
	for _, a := range []any{x, "x", 0} {
		val, err := encode(reflect.ValueOf(a))
		if err != nil {
			t.Fatal(err)
		}
		args = append(args, argMsg{Val: val})
	}
	data, err := gobBytes(&taskMsg{Key: "r.nosuchdriver.1", Func: FuncRef{Name: "markRun"}, Owner: "nosuchdriver", Args: args, CPUs: 1, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.js.Publish(ctx, taskSubject, data); err != nil {
		t.Fatal(err)
	}
	drained(t, ctx, c)
	if ents, err := os.ReadDir(x); err != nil || len(ents) != 0 {
		t.Errorf("the task of an unknown driver ran: %v", ents)
	}
}

// TestHeadRestartWhileTasksRun restarts the head (same store, down longer
// than ackWait) while two tasks run on a worker: both results reach the
// driver, and each task ran once (a restarted server hands out again the
// tasks whose worker has not said it is still at them 0.5–1.5 s after it
// started; the worker given one leaves it to the worker running it, see
// redeliver.go).
func TestHeadRestartWhileTasksRun(t *testing.T) {
	reg := testRegistry()
	fn := registryFunc(t, reg)
	tc := startCluster(t)
	tc.startWorker(2)
	rt, _ := tc.connect(1)
	dir := t.TempDir()
	ms := 6000
	refs := []parallel.ObjectRef{
		rt.Remote(fn("markRun")).Remote(dir, "a", ms),
		rt.Remote(fn("markRun")).Remote(dir, "b", ms),
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		ents, _ := os.ReadDir(dir)
		if len(ents) == 2 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the tasks did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	url := tc.head.URL()
	tc.head.Shutdown()
	time.Sleep(2 * ackWait)
	h, err := StartHead(HeadOptions{Listen: strings.TrimPrefix(url, "nats://"), StoreDir: tc.store})
	if err != nil {
		t.Fatal(err)
	}
	tc.head = h
	for _, r := range refs {
		if v := get(t, r); v != ms {
			t.Errorf("result %v, want %d", v, ms)
		}
	}
	runs := runCounts(t, dir)
	if runs["a"] != 1 || runs["b"] != 1 {
		t.Errorf("runs per task = %v, want each once (a task redelivered while its worker runs it is left to it)", runs)
	}
	t.Logf("runs per task after a head restart of %v while they ran: %v", 2*ackWait, runs)
}

// TestHeadDownLongerThanDriverBeats (make cluster-test): a head down for
// longer than driverMissed beats, restarted on the same store, makes no
// driver look dead: the task running on a one-CPU worker meanwhile finishes,
// the tasks queued behind it run, and the driver gets every result.
func TestHeadDownLongerThanDriverBeats(t *testing.T) {
	if os.Getenv("WARREN_CLUSTER_LONG") == "" {
		t.Skip("set WARREN_CLUSTER_LONG=1 (make cluster-test)")
	}
	fn := registryFunc(t, testRegistry())
	tc := startCluster(t)
	tc.startWorker(1)
	rt, _ := tc.connect(1)
	dir := t.TempDir()
	long := rt.Remote(fn("markRun")).Remote(dir, "long", 12000)
	var queued []parallel.ObjectRef
	for i := range 3 {
		queued = append(queued, rt.Remote(fn("markRun")).Remote(dir, fmt.Sprintf("q%d", i), 10))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		if ents, _ := os.ReadDir(dir); len(ents) == 1 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the task did not start")
		}
		time.Sleep(10 * time.Millisecond)
	}
	url := tc.head.URL()
	tc.head.Shutdown()
	time.Sleep(2 * driverMissed * driverBeat)
	h, err := StartHead(HeadOptions{Listen: strings.TrimPrefix(url, "nats://"), StoreDir: tc.store})
	if err != nil {
		t.Fatal(err)
	}
	tc.head = h
	for _, r := range append([]parallel.ObjectRef{long}, queued...) {
		if _, err := parallel.GetContext(ctx, r); err != nil {
			t.Fatalf("after the head was down %v: %v", 2*driverMissed*driverBeat, err)
		}
	}
	runs := runCounts(t, dir)
	t.Logf("runs per task: %v", runs)
}

// TestDriverCountedDead: a driver that finds that the workers counted it
// dead (the "g." key a worker writes when it withdraws a dead driver's
// tasks) fails its pending tasks and its later ones with errDisowned
// instead of waiting for ever.
func TestDriverCountedDead(t *testing.T) {
	fn := registryFunc(t, testRegistry())
	tc := startCluster(t)
	rt, cl := tc.connect(0)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	queued := rt.Remote(fn("square")).Remote(3) // no worker: it stays queued
	if _, err := cl.c.objects.Create(ctx, goneKey(cl.Session()), []byte("gone")); err != nil {
		t.Fatal(err)
	}
	_, err := parallel.GetContext(ctx, queued)
	var re *RemoteError
	if !errors.As(err, &re) || !re.System || !strings.Contains(err.Error(), "counted this driver dead") {
		t.Fatalf("Get of a task of a driver counted dead: %v", err)
	}
	_, err = parallel.GetContext(ctx, rt.Remote(fn("square")).Remote(4))
	if err == nil || !strings.Contains(err.Error(), "call ray.Shutdown, then ray.Init again") {
		t.Errorf("a task submitted afterwards: %v", err)
	}
}
