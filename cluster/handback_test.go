package cluster

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// TestClusterHandBacksAreNoAttempts runs a task needing a GPU with
// MaxRetries(0) while the only worker with a GPU is busy: the worker
// without one hands it back again and again, which counts no attempt, and
// the task runs on the GPU worker once it is free and returns its value.
// Its hand-back counter is removed after its result was stored. A task
// handed back, then run once by a worker that is killed fails with
// MaxRetries(0) and says it ran once.
func TestClusterHandBacksAreNoAttempts(t *testing.T) {
	fn := registryFunc(t, testRegistry())
	tc := startCluster(t)
	tc.startWorker(2)
	tc.startWorkerWith(1, "GPU")
	rt, cl := tc.connect(2)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	gpu := parallel.TaskResources(map[string]float64{"GPU": 1})

	dir := t.TempDir()
	busy, err := rt.Remote(fn("untilCancelled")).Options(gpu).Submit(dir)
	if err != nil {
		t.Fatal(err)
	}
	waitFile(t, ctx, filepath.Join(dir, "started")) // the GPU worker's only CPU is taken
	kw := watchHandBacks(t, ctx, cl)
	refs, err := rt.Remote(fn("square")).Options(gpu, parallel.MaxRetries(0)).Submit(7)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	var got any
	go func() {
		var err error
		got, err = parallel.GetContext(ctx, refs[0])
		done <- err
	}()
	hk := waitHandBacks(t, ctx, kw, 3, done) // while the GPU is busy
	parallel.Cancel(busy[0])
	if err := <-done; err != nil || got != 49 {
		t.Fatalf("square(7) on the GPU worker = %v, %v; want 49", got, err)
	}
	for { // removed by the worker once it stored the result (after the driver may have read it)
		_, err := cl.c.objects.Get(ctx, hk)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("hand-back counter %s still there after the result was stored: %v", hk, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// A task handed back twice, then run on the GPU worker, which is
	// killed: with MaxRetries(0) it fails after its one run, and says so.
	dir = t.TempDir()
	if busy, err = rt.Remote(fn("untilCancelled")).Options(gpu).Submit(dir); err != nil {
		t.Fatal(err)
	}
	waitFile(t, ctx, filepath.Join(dir, "started"))
	kw = watchHandBacks(t, ctx, cl)
	dir2 := t.TempDir()
	refs, err = rt.Remote(fn("slowPid")).Options(gpu, parallel.MaxRetries(0)).Submit(dir2, 60_000)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, err := parallel.GetContext(ctx, refs[0])
		done <- err
	}()
	waitHandBacks(t, ctx, kw, 2, done)
	parallel.Cancel(busy[0])
	if err := syscall.Kill(startedBy(t, ctx, dir2), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	tc.startWorkerWith(1, "GPU") // gets the task after ackWait, and fails it
	err = <-done
	var re *RemoteError
	if !errors.As(err, &re) || !re.System || !strings.Contains(err.Error(), "worker died or stopped responding while running it (1 attempts, MaxRetries(0))") {
		t.Fatalf("MaxRetries(0), handed back twice, its one run killed: err = %v", err)
	}
}

// watchHandBacks watches the changes of cl's hand-back counters from now
// on (a task handed back before goes unseen) until the test ends.
func watchHandBacks(t *testing.T, ctx context.Context, cl *Client) jetstream.KeyWatcher {
	t.Helper()
	kw, err := cl.c.objects.Watch(ctx, "h."+cl.Session()+".*", jetstream.UpdatesOnly())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kw.Stop() })
	return kw
}

// waitHandBacks waits until kw shows a hand-back counter of at least n,
// and returns its key; a value on done (the task ended) fails the test.
func waitHandBacks(t *testing.T, ctx context.Context, kw jetstream.KeyWatcher, n int, done <-chan error) string {
	t.Helper()
	for {
		select {
		case e := <-kw.Updates():
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			if got, _ := strconv.Atoi(string(e.Value())); got >= n {
				return e.Key()
			}
		case err := <-done:
			t.Fatalf("the task ended while the only GPU was busy: %v", err)
		case <-ctx.Done():
			t.Fatalf("the task was not handed back %d times", n)
		}
	}
}

func TestHandBackWaitGrows(t *testing.T) {
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		if got := handBackWait(uint64(i + 1)); got != w {
			t.Errorf("hand-back of delivery %d waits %v, want %v", i+1, got, w)
		}
	}
}
