package cluster

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

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

// TestPullAccounting feeds a puller the statuses that end pull requests and
// checks its count of tasks asked for and not received.
func TestPullAccounting(t *testing.T) {
	p := &puller{w: &worker{wake: make(chan struct{}, 1)}, inbox: "_INBOX.w", open: map[uint64]int{}}
	now := time.Now()
	send := func(batch int) {
		p.next++
		p.asked += batch
		p.open[p.next] = batch
		p.due = append(p.due, pullDeadline{id: p.next, end: now.Add(pullWait + pullGrace)})
	}
	status := func(id, code, desc, pending string) {
		m := nats.NewMsg("_INBOX.w." + id)
		m.Header.Set("Status", code)
		m.Header.Set("Description", desc)
		if pending != "" {
			m.Header.Set("Nats-Pending-Messages", pending)
		}
		p.receive(context.Background(), m)
	}
	want := func(asked, open int) {
		t.Helper()
		if p.asked != asked || len(p.open) != open {
			t.Fatalf("asked %d with %d requests open, want %d with %d", p.asked, len(p.open), asked, open)
		}
	}
	send(3) // 1
	send(2) // 2
	send(4) // 3
	send(1) // 4
	want(10, 4)
	p.asked -= 2                               // two tasks arrive (receive takes one off for each)
	status("1", "408", "Request Timeout", "1") // request 1 expires: one of its three did not come
	want(7, 3)
	status("1", "408", "Request Timeout", "1") // again: ignored
	want(7, 3)
	status("2", "409", "Exceeded MaxWaiting", "") // refused: none of its two will come
	want(5, 2)
	status("x", "408", "Request Timeout", "3") // not a request id: ignored
	want(5, 2)
	// Request 3 ends without saying how many of its tasks came: asked is
	// not known any more (the worker listens anew, see receive).
	if !p.ended("_INBOX.w.3", -1) {
		t.Error("a request ended without a count leaves asked known")
	}
	want(5, 1)
	p.inbox = "_INBOX.v"                       // after a reconnection
	status("4", "408", "Request Timeout", "1") // of the old inbox: ignored
	want(5, 1)
	p.expireLocked(now.Add(pullWait + pullGrace + time.Millisecond)) // all over: nothing can come
	want(0, 0)
}
