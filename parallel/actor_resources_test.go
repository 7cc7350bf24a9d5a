package parallel

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Actors and resources: ActorCPUs and ActorResources held for an actor's
// life, lent while its call waits, given back after Kill.

func TestActorKill(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter, ActorCPUs(1))
	g := make(gate)
	returned := make(chan struct{})
	running := make(chan struct{})
	inflight := a.Remote(func(c *counter) int {
		close(running)
		<-g
		defer close(returned)
		return c.incr()
	})
	queued := a.Remote(incr)
	<-running
	if got := rt.AvailableResources()[cpuKey]; got != 1 {
		t.Fatalf("available CPUs %v with the actor alive, want 1", got)
	}
	Kill(a)
	for _, r := range []ObjectRef{inflight, queued} {
		_, err := GetContext(context.Background(), r)
		te := mustTaskError(t, err)
		if te.Message != "the actor died because it was killed by ray.Kill" || !errors.Is(err, ErrActorDied) {
			t.Errorf("call after Kill: %v", err)
		}
	}
	later := a.Remote(incr)
	if !later.Ready() {
		t.Errorf("a call after Kill does not fail at once")
	}
	if _, err := GetContext(context.Background(), later); !errors.Is(err, ErrActorDied) {
		t.Errorf("later call: %v", err)
	}
	// The in-flight call's code still runs: the actor keeps its CPU until it returns.
	if got := rt.AvailableResources()[cpuKey]; got != 1 {
		t.Errorf("available CPUs %v while a killed actor's call runs, want 1", got)
	}
	g.open()
	<-returned
	eventually(t, "the CPU back", func() bool { return rt.AvailableResources()[cpuKey] == 2 })
	Kill(a) // again: nothing
	Kill(nil)
}

func TestActorHoldsCPUsForItsLife(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	plain := rt.NewActor(newCounter)
	Get(plain.Remote(incr))
	if got := rt.AvailableResources()[cpuKey]; got != 2 {
		t.Errorf("an actor without ActorCPUs holds %v CPUs, want 0", 2-got)
	}
	held := rt.NewActor(newCounter, ActorCPUs(1))
	Get(held.Remote(incr))
	if got := rt.AvailableResources()[cpuKey]; got != 1 {
		t.Errorf("available %v CPUs with an ActorCPUs(1) actor idle, want 1", got)
	}
	// Tasks get the other CPU only.
	var conc concurrency
	f := rt.Remote(func(i int) int { conc.enter(i); defer conc.exit(); time.Sleep(2 * time.Millisecond); return i })
	var refs []ObjectRef
	for i := range 6 {
		refs = append(refs, f.Remote(i))
	}
	GetAll(refs...)
	if _, most, _ := conc.snapshot(); most != 1 {
		t.Errorf("%d tasks ran at once beside an actor holding 1 of 2 CPUs, want 1", most)
	}
	if err := rt.Reconfigure(NumCPUs(1)); err != nil {
		t.Errorf("resize to 1 CPU with an actor holding 1: %v", err)
	}
	err := rt.Reconfigure(Resources(map[string]float64{"CPU": 0.5}))
	if err == nil {
		t.Errorf("resize below the actors' CPUs was accepted")
	}
	if err := mustPanicErr(func() { rt.NewActor(newCounter, ActorCPUs(3)) }); !errors.Is(err, ErrInvalidCall) {
		t.Errorf("infeasible ActorCPUs: %v", err)
	}
	Kill(held)
	eventually(t, "the CPU back", func() bool { return rt.AvailableResources()[cpuKey] == 1 })
}

func TestActorResources(t *testing.T) {
	rt := newRT(t, NumCPUs(2), Resources(map[string]float64{"GPU": 1}))
	a := rt.NewActor(newCounter, ActorResources(map[string]float64{"GPU": 1, "CPU": 0.5}))
	Get(a.Remote(incr))
	if got := rt.AvailableResources(); got["GPU"] != 0 || got[cpuKey] != 1.5 {
		t.Errorf("available %v with an actor holding 1 GPU and 0.5 CPU", got)
	}
	if err := rt.Reconfigure(Resources(map[string]float64{"GPU": 0})); err == nil {
		t.Errorf("resize of GPU below what an actor holds was accepted")
	} else {
		wantContains(t, err.Error(), "cannot resize GPU to 0: actors hold 1")
	}
	Kill(a)
	eventually(t, "the GPU back", func() bool { return rt.AvailableResources()["GPU"] == 1 })
	if got := rt.AvailableResources()[cpuKey]; got != 2 {
		t.Errorf("available CPUs %v after Kill, want 2", got)
	}
}

func TestActorLendsCPUsWhileItsCallWaits(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	free := rt.Remote(func() float64 { return rt.AvailableResources()[cpuKey] })
	// An actor holding every CPU: its call waits for a task, which runs on
	// the CPUs the actor lends meanwhile (else it would wait forever).
	all := rt.NewActor(newCounter, ActorCPUs(2))
	got := Get(all.Remote(func(c *counter) float64 { return Get(free.Remote()).(float64) })).(float64)
	if got != 1 {
		t.Errorf("a task run while the actor's call waited saw %v CPUs free, want 1 (2 lent, 1 its own)", got)
	}
	if avail := rt.AvailableResources()[cpuKey]; avail != 0 {
		t.Errorf("available %v CPUs after the call, want 0: the actor takes its CPUs back", avail)
	}
	Kill(all)
	eventually(t, "the CPUs back", func() bool { return rt.AvailableResources()[cpuKey] == 2 })
	// With MaxConcurrency(2) the actor keeps its CPU while a call waits:
	// another call may run meanwhile.
	two := rt.NewActor(newCounter, ActorCPUs(1), MaxConcurrency(2))
	got = Get(two.Remote(func(c *counter) float64 { return Get(free.Remote()).(float64) })).(float64)
	if got != 0 {
		t.Errorf("a task run while a MaxConcurrency(2) actor's call waited saw %v CPUs free, want 0", got)
	}
}

func mustPanicErr(f func()) (err error) {
	defer func() { err, _ = recover().(error) }()
	f()
	return nil
}
