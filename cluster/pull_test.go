package cluster

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// TestWorkersTakeNoMoreThanFreeCPUs fills the CPUs of two workers (2 and 1
// CPUs) with long tasks and queues more: while the long tasks run,
// JetStream must count exactly one delivered, unacknowledged task per
// CPU and keep the others queued, although workers ask for all their free
// CPUs in one pull request. Then the same with tasks of half a CPU (six
// run at once).
func TestWorkersTakeNoMoreThanFreeCPUs(t *testing.T) {
	fn := registryFunc(t, testRegistry())
	tc := startCluster(t)
	tc.startWorker(2)
	tc.startWorker(1)
	rt, cl := tc.connect(2)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const long = 2000 // ms

	check := func(running, queued int, opts ...parallel.TaskOption) {
		t.Helper()
		dir := t.TempDir()
		f := rt.Remote(fn("markRun")).Options(opts...)
		var refs []parallel.ObjectRef
		for range running {
			refs = append(refs, f.Remote(dir, "long", long))
		}
		// Queued once the long tasks run: sent earlier, they could be
		// pulled before the long ones, which JetStream gives out in order.
		var first time.Time
		for {
			ents, _ := os.ReadDir(dir)
			if len(ents) > 0 && first.IsZero() {
				first = time.Now()
			}
			if len(ents) == running {
				break
			}
			if len(ents) > running || ctx.Err() != nil {
				t.Fatalf("%d of %d long tasks started", len(ents), running)
			}
			time.Sleep(5 * time.Millisecond)
		}
		for range queued {
			refs = append(refs, f.Remote(t.TempDir(), "short", 0))
		}
		// Sample until well before the first long task can end.
		samples, last := 0, uint64(0)
		for time.Since(first) < long*time.Millisecond/3 {
			info, err := cl.c.tasks.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// NumPending grows to queued as the publications are stored.
			if info.NumAckPending != running || info.NumPending > uint64(queued) {
				t.Errorf("%d tasks delivered and %d queued, want %d and at most %d: the workers have 3 CPUs for tasks of %g CPUs",
					info.NumAckPending, info.NumPending, running, queued, 3/float64(running))
				break
			}
			samples++
			last = info.NumPending
			time.Sleep(20 * time.Millisecond)
		}
		t.Logf("%d samples: %d tasks delivered (the workers' 3 CPUs), %d of %d queued at the last", samples, running, last, queued)
		if _, err := parallel.GetAllContext(ctx, refs...); err != nil {
			t.Fatal(err)
		}
	}
	check(3, 4)
	check(6, 3, parallel.TaskCPUs(0.5))
}
