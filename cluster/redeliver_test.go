package cluster

import (
	"testing"
	"time"
)

// A worker given a task delivered before runs it only if no live worker
// runs it and its result is not stored (see redeliver.go).
func TestRedeliveredDecides(t *testing.T) {
	_, c, ctx := dialHead(t)
	c.client = &Client{workers: map[string]workerInfo{}}
	w := &worker{c: c, pid: 1, opt: WorkerOptions{Name: "me"}, holding: map[string]bool{}}
	now := time.Now()
	beat := func(key string, age time.Duration, running ...string) {
		c.client.workers[key] = workerInfo{Running: running, seen: now.Add(-age)}
	}
	names := map[redelivery]string{runIt: "run it", ranIt: "ran it", leaveIt: "leave it"}
	check := func(what string, want redelivery) {
		t.Helper()
		if got := w.redelivered(ctx, "r.s.1"); got != want {
			t.Errorf("%s: %s, want %s", what, names[got], names[want])
		}
	}
	check("its own heartbeat not seen yet, no reconnection", runIt)
	c.mu.Lock()
	c.reconnectedAt = time.Now() // as after a head restart
	c.mu.Unlock()
	check("its own heartbeat not seen yet, just reconnected", leaveIt)
	beat(w.key(), 0)
	check("no worker runs it", runIt)
	beat("w.2.other", 500*time.Millisecond, "r.s.0", "r.s.1")
	check("a live worker runs it", leaveIt)
	beat("w.2.other", 2*time.Second, "r.s.1")
	check("the worker running it was last heard from 2 s ago (dead)", runIt)
	beat(w.key(), 2*time.Second)
	check("its own heartbeat is 2 s old, just reconnected (its view is not current yet)", leaveIt)
	c.mu.Lock()
	c.reconnectedAt = time.Now().Add(-2 * viewGrace)
	c.mu.Unlock()
	check("its own heartbeat is 2 s old, reconnected long ago (a stale view delays nothing)", runIt)
	beat(w.key(), 0)
	done := w.holdKey("r.s.1")
	check("it runs the task itself", leaveIt)
	done()
	check("after it ran it", runIt)
	if _, err := c.objects.Put(ctx, "r.s.1", []byte("result")); err != nil {
		t.Fatal(err)
	}
	check("its result is stored", ranIt)
}
