package cluster

import (
	"context"
	"errors"
	"os"
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
