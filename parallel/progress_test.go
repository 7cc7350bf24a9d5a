package parallel

import (
	"slices"
	"testing"
	"time"
)

// progressHost records progress reports.
type progressHost struct {
	*fakeHost
	reports chan Progress
}

func (h *progressHost) Progress(p Progress) { h.reports <- p }

// TestProgressReports: a GetAll or Wait of the driver still waiting after
// the progress delay reports done/total, failures, and the pending task
// names to a ProgressReporter host, then a final report when it ends.
func TestProgressReports(t *testing.T) {
	rt := newRT(t, NumCPUs(8), ProgressAfter(time.Millisecond))
	h := &progressHost{fakeHost: newFakeHost(t, "cell-3"), reports: make(chan Progress, 100)}
	rt.SetHost(h)
	g := make(gate)
	defer g.open()
	slow := rt.Remote(func() int { <-g; return 1 }).Options(TaskName("slow"))
	quick := rt.Remote(func() int { return 2 }).Options(TaskName("quick"))
	bad := rt.Remote(func() int { panic("x") }).Options(TaskName("bad"))
	done := []ObjectRef{quick.Remote(), quick.Remote()}
	GetAll(done...) // may report on a loaded machine: the tasks may take longer than the delay
	for len(h.reports) > 0 {
		<-h.reports
	}
	// A call whose refs are all ready reports nothing.
	GetAll(done...)
	if len(h.reports) != 0 {
		t.Fatalf("fast GetAll reported %v", <-h.reports)
	}

	refs := append(slices.Clone(done), slow.Remote(), slow.Remote(), slow.Remote())
	got := make(chan []any, 1)
	go func() { got <- GetAll(refs...) }()
	first := <-h.reports
	if first.Call != "GetAll" || first.Total != 5 || first.Done != 2 || first.Final || first.Group != "cell-3" ||
		!slices.Equal(first.Pending, []string{"slow ×3"}) || first.ID == 0 || first.Seq != 1 {
		t.Fatalf("first report %+v", first)
	}
	wantContains(t, first.String(), "ray.GetAll: 2/5 done", "waiting for slow ×3")
	g.open()
	<-got
	var last Progress
	for last = range h.reports {
		if last.Final {
			break
		}
	}
	if last.ID != first.ID || last.Done != 5 || last.Failed != 0 || last.Seq < 2 {
		t.Fatalf("final report %+v", last)
	}

	// Wait reports against numReturns, and counts failures.
	g2 := make(gate)
	defer g2.open()
	slow2 := rt.Remote(func() int { <-g2; return 1 }).Options(TaskName("slow2"))
	failed := bad.Remote()
	Wait([]ObjectRef{failed}, 1, -1)
	wrefs := []ObjectRef{failed, slow2.Remote(), slow2.Remote()}
	wdone := make(chan []ObjectRef, 1)
	go func() { r, _ := Wait(wrefs, 2, -1); wdone <- r }()
	p := <-h.reports
	if p.Call != "Wait" || p.Total != 2 || p.Done != 1 || p.Failed != 1 {
		t.Fatalf("Wait report %+v", p)
	}
	wantContains(t, p.String(), "ray.Wait: 1/2 done, 1 failed")
	g2.open()
	<-wdone
	for p = range h.reports {
		if p.Final {
			break
		}
	}
	if p.Done != 2 {
		t.Fatalf("final Wait report %+v", p)
	}

	// ProgressAfter(0) turns reports off.
	if err := rt.Reconfigure(ProgressAfter(0)); err != nil {
		t.Fatal(err)
	}
	if rep, _ := rt.reporter(); rep != nil {
		t.Fatal("progress still on after ProgressAfter(0)")
	}
}
