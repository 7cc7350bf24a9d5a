package cluster

import (
	"context"
	"errors"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// TestClusterHandBacksAreNoAttempts runs a task needing a GPU with
// MaxRetries(0) while the only worker with a GPU is busy: the worker
// without one hands it back again and again, which counts no attempt, and
// the task runs on the GPU worker once it is free and returns its value.
// Its hand-back counter is removed after its result was stored.
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
	kw, err := cl.c.objects.Watch(ctx, "h."+cl.Session()+".*")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = kw.Stop() }()
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
	var hk string
	for n := 0; n < 3; { // three hand-backs, while the GPU is busy
		select {
		case e := <-kw.Updates():
			if e != nil && e.Operation() == jetstream.KeyValuePut {
				hk = e.Key()
				n, _ = strconv.Atoi(string(e.Value()))
			}
		case err := <-done:
			t.Fatalf("the task ended while the only GPU was busy: %v, %v", got, err)
		case <-ctx.Done():
			t.Fatal("the task was not handed back three times")
		}
	}
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
}
