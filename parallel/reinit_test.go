package parallel

import (
	"errors"
	"testing"
)

// TestReinitNeverWedges: Init on a running runtime resizes it, but refuses
// (changing nothing) a resize that would strand an unfinished task: a queued
// task that could never start, or a parent blocked in Get that could never
// take its CPUs back.
func TestReinitNeverWedges(t *testing.T) {
	Shutdown()
	t.Cleanup(Shutdown)
	Init(NumCPUs(2))
	g := make(gate)
	defer g.open()
	child := Remote(func() int { <-g; return 1 })
	parent := Remote(func() int { return Get(child.Remote()).(int) + 1 }).Options(TaskCPUs(2), TaskName("parent"))
	ref := parent.Remote()
	// The parent is blocked in Get, holding no CPU, once the child runs.
	eventually(t, "parent blocked, child running", func() bool { return AvailableResources()["CPU"] == 1 })
	err := mustPanic(t, func() { Init(NumCPUs(1)) })
	if !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("Init(NumCPUs(1)) = %v, want ErrInvalidCall", err)
	}
	wantContains(t, err.Error(), "parent", "needs 2", "cancel it")
	if got := ClusterResources()["CPU"]; got != 2 {
		t.Fatalf("refused resize changed the total to %v", got)
	}
	g.open()
	if v := Get(ref); v != 2 {
		t.Fatalf("parent = %v", v)
	}
	// With nothing needing 2 CPUs, the shrink is accepted, even while tasks
	// run and more are queued; they all finish.
	g2 := make(gate)
	slow := Remote(func(i int) int { <-g2; return i })
	var refs []ObjectRef
	for i := range 4 {
		refs = append(refs, slow.Remote(i))
	}
	Init(NumCPUs(1))
	if got := ClusterResources()["CPU"]; got != 1 {
		t.Fatalf("CPU total after shrink = %v", got)
	}
	g2.open()
	if got := GetAll(refs...); len(got) != 4 || got[3] != 3 {
		t.Fatalf("GetAll after shrink = %v", got)
	}
	eventually(t, "CPU back", func() bool { return AvailableResources()["CPU"] == 1 })

	// A custom resource is checked the same way.
	rt := newRT(t, NumCPUs(2), Resources(map[string]float64{"GPU": 2}))
	g3 := make(gate)
	defer g3.open()
	gpu := rt.Remote(func() { <-g3 }).Options(TaskResources(map[string]float64{"GPU": 2}))
	gref := gpu.Remote()
	if err := rt.Reconfigure(Resources(map[string]float64{"GPU": 1})); !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("Reconfigure(GPU 1) = %v", err)
	}
	g3.open()
	Get(gref)
	if err := rt.Reconfigure(Resources(map[string]float64{"GPU": 1})); err != nil {
		t.Fatal(err)
	}
	if got := rt.ClusterResources()["GPU"]; got != 1 {
		t.Fatalf("GPU = %v", got)
	}
}

// TestReinitTraceCapacity: TraceCapacity given to a running runtime takes
// effect (it used to be ignored).
func TestReinitTraceCapacity(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	f := rt.Remote(func(i int) int { return i })
	tasks := func() int {
		n := 0
		for _, e := range rt.trace.snapshot() {
			if e.kind == evTask {
				n++
			}
		}
		return n
	}
	Get(f.Remote(1))
	if tasks() != 1 {
		t.Fatalf("tasks traced = %d, want 1", tasks())
	}
	if err := rt.Reconfigure(TraceCapacity(0)); err != nil {
		t.Fatal(err)
	}
	Get(f.Remote(2))
	if n := len(rt.trace.snapshot()); n != 0 {
		t.Fatalf("TraceCapacity(0): %d events kept", n)
	}
	if err := rt.Reconfigure(TraceCapacity(3)); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		Get(f.Remote(i))
	}
	if n := len(rt.trace.snapshot()); n != 3 {
		t.Fatalf("TraceCapacity(3): %d events kept", n)
	}
	if err := rt.Reconfigure(TraceCapacity(-1)); !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("TraceCapacity(-1) = %v", err)
	}
}
