package parallel

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestCancelKeepsCPUBooked: a cancelled running task ends as cancelled at
// once (Get fails), but keeps its CPUs until its code returns, so no more
// than NumCPUs of task code runs at once; the timeline marks it cancelled.
func TestCancelKeepsCPUBooked(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	var c concurrency
	started, release := make(gate), make(gate)
	a := rt.Remote(func(ctx context.Context) int {
		c.enter(1)
		defer c.exit()
		started.open()
		<-release // ignores ctx: its code runs on after the cancel
		return 1
	}).Options(TaskName("stubborn"))
	b := rt.Remote(func() int { c.enter(2); defer c.exit(); return 2 })
	ra := a.Remote()
	rb := b.Remote()
	<-started
	if !Cancel(ra) {
		t.Fatal("Cancel = false")
	}
	if _, err := GetContext(t.Context(), ra); !errors.Is(err, ErrCancelled) {
		t.Fatalf("Get of the cancelled task = %v", err)
	}
	rt.mu.Lock()
	bStarted := rb.o.producer.started
	rt.mu.Unlock()
	if bStarted {
		t.Fatal("the next task started while the cancelled task's code still runs")
	}
	if got := rt.AvailableResources()["CPU"]; got != 0 {
		t.Fatalf("available CPU while the cancelled code runs = %v", got)
	}
	release.open()
	if v := Get(rb); v != 2 {
		t.Fatalf("b = %v", v)
	}
	if _, max, _ := c.snapshot(); max != 1 {
		t.Fatalf("%d task bodies ran at once on 1 CPU", max)
	}
	eventually(t, "cancelled bar in the timeline", func() bool {
		return slices.ContainsFunc(rt.trace.snapshot(), func(e event) bool {
			return e.kind == evTask && e.name == "stubborn" && e.cancelled
		})
	})
}

// TestCancelBlockedTaskRetakesCPU: a task cancelled while blocked in Get
// (holding no CPU) takes its CPU back before its code goes on.
func TestCancelBlockedTaskRetakesCPU(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	var c concurrency
	g := make(gate)
	defer g.open()
	other := rt.Remote(func() int { c.enter(2); defer c.exit(); <-g; return 2 })
	refc := make(chan ObjectRef, 1)
	parent := rt.Remote(func() int {
		// Blocked in Get, the task runs no code and holds no CPU.
		_, err := GetContext(context.Background(), <-refc)
		c.enter(1) // its code goes on after the cancel
		defer c.exit()
		if !errors.Is(err, ErrCancelled) {
			panic(err)
		}
		return -1
	})
	rp := parent.Remote()
	refc <- other.Remote() // submitted by the driver: not cancelled with the parent
	eventually(t, "parent blocked, other running", func() bool {
		cur, _, _ := c.snapshot()
		return cur == 1 && rt.AvailableResources()["CPU"] == 0 && len(refc) == 0
	})
	Cancel(rp)
	// The parent's Get fails, but its code waits for the CPU held by other.
	eventually(t, "parent waiting to resume", func() bool {
		rt.mu.Lock()
		defer rt.mu.Unlock()
		return slices.Contains(rt.resumeQ, rp.o.producer)
	})
	g.open()
	// A task submitted now runs once the parent's code has returned.
	Get(rt.Remote(func() int { c.enter(3); defer c.exit(); return 0 }).Remote())
	if _, max, _ := c.snapshot(); max != 1 {
		t.Fatalf("%d task bodies ran at once on 1 CPU", max)
	}
}
