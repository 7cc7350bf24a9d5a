package parallel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/petermattis/goid"
)

// fakeHost records Enter/Exit calls per goroutine and checks their pairing.
type fakeHost struct {
	t     *testing.T
	mu    sync.Mutex
	group string
	depth map[int64]int // goroutine -> Enter minus Exit
	log   []string      // "enter name" / "exit name"
	bad   []string
}

func newFakeHost(t *testing.T, group string) *fakeHost {
	return &fakeHost{t: t, group: group, depth: map[int64]int{}}
}

func (h *fakeHost) Group() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.group
}

func (h *fakeHost) setGroup(g string) {
	h.mu.Lock()
	h.group = g
	h.mu.Unlock()
}

func (h *fakeHost) Enter(info TaskInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := goid.Get()
	if h.depth[id] != 0 {
		h.bad = append(h.bad, fmt.Sprintf("Enter %s while inside task code", info.Name))
	}
	h.depth[id]++
	h.log = append(h.log, "enter "+info.Name+blocking(info))
}

func (h *fakeHost) Exit(info TaskInfo) {
	h.mu.Lock()
	defer h.mu.Unlock()
	id := goid.Get()
	if h.depth[id] != 1 {
		h.bad = append(h.bad, fmt.Sprintf("Exit %s without Enter", info.Name))
	}
	h.depth[id]--
	h.log = append(h.log, "exit "+info.Name+blocking(info))
}

// blocking marks the host calls around a blocking Get in the log.
func blocking(info TaskInfo) string {
	if info.Blocking {
		return " (blocking)"
	}
	return ""
}

func (h *fakeHost) check() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	bad := slices.Clone(h.bad)
	for id, d := range h.depth {
		if d != 0 {
			bad = append(bad, fmt.Sprintf("goroutine %d left with depth %d", id, d))
		}
	}
	return bad
}

func (h *fakeHost) entries() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.log)
}

func TestHostEnterExitAroundBlockingGet(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	h := newFakeHost(t, "cell-1")
	rt.SetHost(h)
	inner := rt.Remote(func() int { return 1 }).Options(TaskName("inner"))
	outer := rt.Remote(func() int { return Get(inner.Remote()).(int) + 1 }).Options(TaskName("outer"))
	if Get(outer.Remote()) != 2 {
		t.Fatal("wrong result")
	}
	want := []string{"enter outer", "exit outer (blocking)", "enter inner", "exit inner", "enter outer (blocking)", "exit outer"}
	if got := h.entries(); !slices.Equal(got, want) {
		t.Fatalf("host calls %v, want %v", got, want)
	}
	if bad := h.check(); len(bad) > 0 {
		t.Fatal(bad)
	}
}

func TestHostGroupsAndCurrentGroup(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	h := newFakeHost(t, "cell-1")
	rt.SetHost(h)
	if _, ok := CurrentGroup(); ok {
		t.Fatal("CurrentGroup outside a task reported ok")
	}
	type seen struct{ outer, inner string }
	inner := rt.Remote(func() string { g, _ := CurrentGroup(); return g })
	outer := rt.Remote(func() seen {
		g, _ := CurrentGroup()
		return seen{g, Get(inner.Remote()).(string)}
	})
	r1 := outer.Remote()
	h.setGroup("cell-2") // a later cell: nested tasks of cell-1 stay in cell-1
	r2 := outer.Remote()
	if got := Get(r1).(seen); got != (seen{"cell-1", "cell-1"}) {
		t.Fatalf("first = %+v", got)
	}
	if got := Get(r2).(seen); got != (seen{"cell-2", "cell-2"}) {
		t.Fatalf("second = %+v", got)
	}
	info := rt.Remote(func() TaskInfo { i, _ := CurrentTask(); return i }).Options(TaskName("who"))
	if got := Get(info.Remote()).(TaskInfo); got.Name != "who" || got.Group != "cell-2" || got.ID == 0 {
		t.Fatalf("CurrentTask = %+v", got)
	}
	if bad := h.check(); len(bad) > 0 {
		t.Fatal(bad)
	}
}

func TestCancelGroup(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	h := newFakeHost(t, "cell-1")
	rt.SetHost(h)
	g := make(gate)
	defer g.open()
	running := rt.Remote(func(ctx context.Context) { <-ctx.Done() }).Remote()
	queued := rt.Remote(func() {}).Remote()
	h.setGroup("cell-2")
	other := rt.Remote(func() int { return 2 }).Remote()
	if n := rt.CancelGroup("cell-1"); n != 2 {
		t.Fatalf("CancelGroup cancelled %d tasks, want 2", n)
	}
	for _, r := range []ObjectRef{running, queued} {
		if _, err := GetContext(t.Context(), r); !errors.Is(err, ErrCancelled) {
			t.Fatalf("%v: %v", r, err)
		}
	}
	if Get(other) != 2 {
		t.Fatal("task of another group affected")
	}
}

func TestAbortStartedEndsAsCancelled(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	h := newFakeHost(t, "cell-1")
	rt.SetHost(h)
	started := make(gate)
	g := make(gate)
	aborted := rt.Remote(func() int { close(started); <-g; return 0 }) // returns a zero value normally
	ref := aborted.Remote()
	<-started
	queued := rt.Remote(func() int { <-g; return 3 }).Options(TaskCPUs(2)).Remote() // not started
	cause := errors.New("cell interrupted")
	if n := rt.AbortStarted(cause); n != 1 {
		t.Fatalf("AbortStarted = %d, want 1", n)
	}
	g.open()
	_, err := GetContext(t.Context(), ref)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, cause) {
		t.Fatalf("aborted task: %v", err)
	}
	if Get(queued) != 3 {
		t.Fatal("a task not yet started was aborted")
	}
	eventually(t, "host Exit of aborted task", func() bool { return len(h.check()) == 0 })
}

// locatingHost implements PanicLocator.
type locatingHost struct{ *fakeHost }

func (locatingHost) PanicFrames(v any, goStack []byte) []string {
	return []string{fmt.Sprintf("cell 3, line 7 (panic %v, %d bytes of stack)", v, min(len(goStack), 1))}
}

func TestPanicLocator(t *testing.T) {
	rt := newRT(t)
	rt.SetHost(locatingHost{newFakeHost(t, "c")})
	_, err := GetContext(t.Context(), rt.Remote(func() { panic("x") }).Remote())
	if te := mustTaskError(t, err); !slices.Equal(te.Stack, []string{"cell 3, line 7 (panic x, 1 bytes of stack)"}) {
		t.Fatalf("stack = %q", te.Stack)
	}
}

func TestSetHostDefaultRuntime(t *testing.T) {
	Shutdown()
	t.Cleanup(func() { SetHost(nil); Shutdown() })
	h := newFakeHost(t, "cell-9")
	SetHost(h)
	Init(NumCPUs(2))
	g := make(gate)
	ref := Remote(func() { <-g }).Remote()
	eventually(t, "task started", func() bool { return len(h.entries()) > 0 })
	if n := CancelGroup("cell-9"); n != 1 {
		t.Fatalf("CancelGroup = %d", n)
	}
	g.open()
	if _, err := GetContext(t.Context(), ref); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	g2 := make(gate)
	started := make(gate)
	ref = Remote(func() int { close(started); <-g2; return 1 }).Remote()
	<-started
	if n := AbortStarted(errors.New("interrupt")); n != 1 {
		t.Fatalf("AbortStarted = %d", n)
	}
	g2.open()
	if _, err := GetContext(t.Context(), ref); !errors.Is(err, ErrCancelled) {
		t.Fatal(err)
	}
}

func TestHostPairingWithWaitAndRetries(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	h := newFakeHost(t, "c")
	rt.SetHost(h)
	leaf := rt.Remote(func() int { return 1 }).Options(TaskName("leaf"))
	waiter := rt.Remote(func() int {
		ready, _ := Wait([]ObjectRef{leaf.Remote()}, 1, -1)
		return len(ready)
	}).Options(TaskName("waiter"))
	Get(waiter.Remote())
	calls := 0
	flaky := rt.Remote(func() int {
		calls++
		if calls == 1 {
			panic("first attempt")
		}
		return calls
	}).Options(TaskName("flaky"), MaxRetries(1), RetryExceptions(true))
	if Get(flaky.Remote()) != 2 {
		t.Fatal("retry did not run")
	}
	want := []string{"enter waiter", "exit waiter (blocking)", "enter leaf", "exit leaf", "enter waiter (blocking)", "exit waiter",
		"enter flaky", "exit flaky", "enter flaky", "exit flaky"}
	if got := h.entries(); !slices.Equal(got, want) {
		t.Fatalf("host calls %v, want %v", got, want)
	}
	if bad := h.check(); len(bad) > 0 {
		t.Fatal(bad)
	}
}

// blockingHost holds tasks back in Enter until released, as warren does
// while it compiles a cell.
type blockingHost struct {
	*fakeHost
	entered chan struct{}
	release gate
}

func (h blockingHost) Enter(info TaskInfo) {
	h.fakeHost.Enter(info)
	h.entered <- struct{}{}
	<-h.release
}

func TestTaskCancelledInEnterNeverRuns(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	h := blockingHost{newFakeHost(t, "c"), make(chan struct{}, 1), make(gate)}
	rt.SetHost(h)
	ran := make(chan struct{}, 1)
	ref := rt.Remote(func() { ran <- struct{}{} }).Remote()
	<-h.entered
	// A task held in Enter holds its CPU.
	if a := rt.AvailableResources()["CPU"]; a != 0 {
		t.Fatalf("available CPUs = %v while a task waits in Enter", a)
	}
	if n := rt.AbortStarted(errors.New("interrupt")); n != 1 {
		t.Fatalf("AbortStarted = %d", n)
	}
	h.release.open()
	if _, err := GetContext(t.Context(), ref); !errors.Is(err, ErrCancelled) {
		t.Fatal(err)
	}
	eventually(t, "Exit after Enter", func() bool { return len(h.check()) == 0 })
	select {
	case <-ran:
		t.Fatal("task code ran after it was cancelled in Enter")
	default:
	}
}
