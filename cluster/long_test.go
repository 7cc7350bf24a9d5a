package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// TestClusterLong (make cluster-test) runs many tasks on three workers and
// kills workers with SIGKILL while they run: every result still arrives
// (a replacement worker joins), and a task with MaxRetries(0) whose worker
// dies fails with a system error instead of running again.
func TestClusterLong(t *testing.T) {
	if os.Getenv("WARREN_CLUSTER_LONG") == "" {
		t.Skip("set WARREN_CLUSTER_LONG=1 (make cluster-test)")
	}
	reg := testRegistry()
	load := func(name string) any {
		v, err := reg.Load(context.Background(), FuncRef{Name: name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v.Interface()
	}
	tc := startCluster(t)
	w1 := tc.startWorker(2)
	tc.startWorker(2)
	tc.startWorker(2)
	rt, _ := tc.connect(3)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// 60 tasks of 300 ms on 6 CPUs; a worker is killed after the first
	// results and a new one joins.
	dir := t.TempDir()
	slow := rt.Remote(load("slowPid"))
	refs := make([]parallel.ObjectRef, 60)
	for i := range refs {
		refs[i] = slow.Remote(dir, 300)
	}
	if _, _, err := parallel.WaitContext(ctx, refs, 6, -1); err != nil {
		t.Fatal(err)
	}
	if err := w1.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tc.startWorker(2)
	vals, err := parallel.GetAllContext(ctx, refs...)
	if err != nil {
		t.Fatal(err)
	}
	ran := map[int]int{}
	for _, v := range vals {
		ran[v.(int)]++
	}
	t.Logf("tasks per worker pid: %v (killed %d)", ran, w1.Process.Pid)

	// A worker stopped with SIGTERM hands its running task back at once.
	dir3 := t.TempDir()
	r3 := rt.Remote(load("slowPid")).Remote(dir3, 2000)
	stopped := startedBy(t, ctx, dir3)
	if err := syscall.Kill(stopped, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if v, err := parallel.GetContext(ctx, r3); err != nil || v == stopped {
		t.Fatalf("after SIGTERM of %d: %v, %v", stopped, v, err)
	}

	// MaxRetries(0): the worker's death is the task's failure.
	dir2 := t.TempDir()
	r := rt.Remote(load("slowPid")).Options(parallel.MaxRetries(0)).Remote(dir2, 3000)
	victim := startedBy(t, ctx, dir2)
	if err := syscall.Kill(victim, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, err = parallel.GetContext(ctx, r)
	var re *RemoteError
	if !errors.As(err, &re) || !re.System || !strings.Contains(err.Error(), "worker died or stopped responding") {
		t.Fatalf("MaxRetries(0) after a kill: err = %v, want a system failure", err)
	}
	t.Logf("MaxRetries(0): %v", err)
}

// startedBy waits for a slowPid task to mark dir and returns its worker's pid.
func startedBy(t *testing.T, ctx context.Context, dir string) int {
	t.Helper()
	for {
		ents, _ := os.ReadDir(dir)
		if len(ents) > 0 {
			pid, _ := strconv.Atoi(ents[0].Name())
			return pid
		}
		if ctx.Err() != nil {
			t.Fatal("the task never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestClusterThreeHeads (make cluster-test) runs a NATS cluster of three
// heads (processes) with two workers, and kills one head with SIGKILL while
// tasks run: JetStream keeps tasks and values on three heads, clients move
// to the others, and every result arrives.
func TestClusterThreeHeads(t *testing.T) {
	if os.Getenv("WARREN_CLUSTER_LONG") == "" {
		t.Skip("set WARREN_CLUSTER_LONG=1 (make cluster-test)")
	}
	ports := freePorts(t, 6)
	var urls, routes []string
	for i := range 3 {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", ports[i]))
		routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[3+i]))
	}
	var heads []*exec.Cmd
	for i := range 3 {
		var others []string
		for j, r := range routes {
			if j != i {
				others = append(others, r)
			}
		}
		spec := strings.Join(append([]string{fmt.Sprintf("head%d", i), fmt.Sprintf("127.0.0.1:%d", ports[i]),
			fmt.Sprintf("127.0.0.1:%d", ports[3+i]), t.TempDir()}, others...), ",")
		heads = append(heads, startProcess(t, "WARREN_TEST_HEAD="+spec))
	}
	addr := strings.Join(urls, ",")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for i := range 3 { // wait until the heads listen
		for {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", ports[i]))
			if err == nil {
				_ = c.Close()
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("head %d does not listen: %v", i, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	reg := testRegistry()
	cl, err := Connect(ctx, addr, reg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		startProcess(t, "WARREN_TEST_WORKER="+addr, "WARREN_TEST_CPUS=2")
	}
	for {
		cl.mu.Lock()
		up := len(cl.workers)
		cl.mu.Unlock()
		if up >= 2 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("workers did not come up")
		}
		time.Sleep(50 * time.Millisecond)
	}
	rt := parallel.New(parallel.WithBackend(addr, cl))
	defer rt.Shutdown()
	sq, _ := reg.Load(ctx, FuncRef{Name: "slowSquare"}, nil)
	f := rt.Remote(sq.Interface())
	refs := make([]parallel.ObjectRef, 40)
	for i := range refs {
		refs[i] = f.Remote(i, 200)
	}
	if _, _, err := parallel.WaitContext(ctx, refs, 8, -1); err != nil {
		t.Fatal(err)
	}
	if err := heads[0].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	vals, err := parallel.GetAllContext(ctx, refs...)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		if v != i*i {
			t.Errorf("slowSquare(%d) = %v", i, v)
		}
	}
	t.Logf("all 40 results %v after head0 was killed", time.Since(start))
}

// freePorts returns n ports free on 127.0.0.1 at the time of the call.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		_ = l.Close()
	}
	return ports
}
