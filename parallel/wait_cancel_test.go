package parallel

import (
	"context"
	"errors"
	"reflect"
	"sync/atomic"
	"testing"
	"time"
)

func TestWaitRules(t *testing.T) {
	rt := newRT(t, NumCPUs(4))
	g := make(gate)
	defer g.open()
	done := rt.Remote(func(i int) int { return i })
	blocked := rt.Remote(func() int { <-g; return 0 })
	a, b, c := blocked.Remote(), done.Remote(1), done.Remote(2)
	GetAll(b, c)
	refs := []ObjectRef{a, b, c}

	// Ready refs in input order, at most numReturns of them.
	ready, notReady := Wait(refs, 1, -1)
	if !reflect.DeepEqual(ready, []ObjectRef{b}) || !reflect.DeepEqual(notReady, []ObjectRef{a, c}) {
		t.Fatalf("Wait(1) = %v %v", ready, notReady)
	}
	ready, notReady = Wait(refs, 2, -1)
	if !reflect.DeepEqual(ready, []ObjectRef{b, c}) || !reflect.DeepEqual(notReady, []ObjectRef{a}) {
		t.Fatalf("Wait(2) = %v %v", ready, notReady)
	}
	// Timeout passes with fewer ready; 0 just looks.
	for _, d := range []time.Duration{0, 10 * time.Millisecond} {
		ready, notReady = Wait(refs, 3, d)
		if len(ready) != 2 || !reflect.DeepEqual(notReady, []ObjectRef{a}) {
			t.Fatalf("Wait(3, %v) = %v %v", d, ready, notReady)
		}
	}
	// A context ends the wait too.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ready, _, err := WaitContext(ctx, refs, 3, -1)
	if err != nil || len(ready) != 2 {
		t.Fatalf("WaitContext cancelled = %v %v", ready, err)
	}
	// Errors.
	for name, f := range map[string]func(){
		"duplicate":    func() { Wait([]ObjectRef{b, b}, 1, -1) },
		"numReturns 0": func() { Wait(refs, 0, -1) },
		"numReturns 4": func() { Wait(refs, 4, -1) },
		"zero ref":     func() { Wait([]ObjectRef{{}}, 1, -1) },
	} {
		if err := mustPanic(t, f); !errors.Is(err, ErrInvalidCall) {
			t.Errorf("%s: %v", name, err)
		}
	}
	ready, notReady = Wait(nil, 1, -1)
	if ready == nil || notReady == nil || len(ready)+len(notReady) != 0 {
		t.Fatalf("Wait(empty) = %#v %#v", ready, notReady)
	}
	// Failed tasks count as ready.
	bad := rt.Remote(func() { panic("x") }).Remote()
	if ready, _ := Wait([]ObjectRef{a, bad}, 1, -1); !reflect.DeepEqual(ready, []ObjectRef{bad}) {
		t.Fatalf("failed ref not ready: %v", ready)
	}
	// Wait returns as soon as numReturns are ready.
	later := blocked.Remote()
	go g.open()
	if ready, _ := Wait([]ObjectRef{later, a}, 2, -1); len(ready) != 2 {
		t.Fatalf("ready = %v", ready)
	}
}

func TestGetContextTimeout(t *testing.T) {
	rt := newRT(t)
	g := make(gate)
	defer g.open()
	ref := rt.Remote(func() int { <-g; return 1 }).Remote()
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	_, err := GetContext(ctx, ref)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	var te *TaskError
	if errors.As(err, &te) {
		t.Fatal("a timeout is not a task failure")
	}
	if _, err := GetAllContext(ctx, ref, ref); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("GetAllContext err = %v", err)
	}
}

func TestCancelQueuedNeverRuns(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	g := make(gate)
	busy := rt.Remote(func() { <-g }).Remote()
	var ran atomic.Bool
	queued := rt.Remote(func() { ran.Store(true) }).Remote()
	dependent := rt.Remote(func(any) {}).Remote(queued)
	if !Cancel(queued) {
		t.Fatal("Cancel reported nothing cancelled")
	}
	g.open()
	Get(busy)
	_, err := GetContext(t.Context(), queued)
	if !errors.Is(err, ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Get on cancelled: %v", err)
	}
	mustTaskError(t, err)
	if _, err := GetContext(t.Context(), dependent); !errors.Is(err, ErrCancelled) {
		t.Fatalf("dependent: %v", err)
	}
	if Get(rt.Remote(func() int { return 1 }).Remote()) != 1 || ran.Load() {
		t.Fatal("cancelled task ran")
	}
	if Cancel(busy) || Cancel(Put(1)) {
		t.Fatal("Cancel of a finished task or a Put ref reported true")
	}
}

func TestCancelRunningCancelsContext(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	started := make(gate)
	observed := make(chan error, 1)
	task := rt.Remote(func(ctx context.Context, n int) int {
		close(started)
		<-ctx.Done()
		observed <- ctx.Err()
		return n // returned after cancellation: must not pass for a result
	})
	ref := task.Remote(5) // the runtime supplies ctx
	<-started
	Cancel(ref)
	if err := <-observed; !errors.Is(err, context.Canceled) {
		t.Fatalf("task saw %v", err)
	}
	if _, err := GetContext(t.Context(), ref); !errors.Is(err, ErrCancelled) {
		t.Fatalf("Get: %v", err)
	}
	// The CPU is free again.
	if Get(rt.Remote(func() int { return 2 }).Remote()) != 2 {
		t.Fatal("runtime stuck")
	}
}

func TestCancelRecursiveAndChain(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	childStarted := make(gate)
	var child ObjectRef
	childRef := make(chan ObjectRef, 1)
	leaf := rt.Remote(func(ctx context.Context) int { close(childStarted); <-ctx.Done(); return 0 })
	parent := rt.Remote(func() int {
		r := leaf.Remote()
		childRef <- r
		return Get(r).(int)
	})
	p := parent.Remote()
	child = <-childRef
	<-childStarted
	Cancel(p)
	if _, err := GetContext(t.Context(), child); !errors.Is(err, ErrCancelled) {
		t.Fatalf("child of cancelled task: %v", err)
	}
	// Cancel the head of a chain: every link fails as cancelled.
	g := make(gate)
	defer g.open()
	head := rt.Remote(func() int { <-g; return 0 }).Remote()
	inc := rt.Remote(func(x int) int { return x + 1 })
	ref := head
	for range 10 {
		ref = inc.Remote(ref)
	}
	Cancel(head)
	_, err := GetContext(t.Context(), ref)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("end of cancelled chain: %v", err)
	}
	if te := mustTaskError(t, err); te.Root().TaskID != head.o.producer.id {
		t.Fatalf("root of chain = %+v", te.Root())
	}
}

func TestShutdownCancelsUnfinished(t *testing.T) {
	rt := New(NumCPUs(1))
	g := make(gate)
	defer g.open()
	running := rt.Remote(func() { <-g }).Remote()
	queued := rt.Remote(func() {}).Remote()
	rt.Shutdown()
	for _, r := range []ObjectRef{running, queued} {
		if _, err := GetContext(t.Context(), r); !errors.Is(err, ErrShutdown) || !errors.Is(err, ErrCancelled) {
			t.Fatalf("%v: %v", r, err)
		}
	}
	if _, err := rt.Remote(func() {}).Submit(); !errors.Is(err, ErrShutdown) {
		t.Fatalf("submit after shutdown: %v", err)
	}
}

func TestCancelledTaskBlockedInGetUnblocks(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	g := make(gate)
	defer g.open()
	unrelated := rt.Remote(func() int { <-g; return 1 }).Remote() // not a child: not cancelled
	unblocked := make(chan any, 1)
	waiter := rt.Remote(func() int {
		defer func() { unblocked <- recover() }()
		return Get(unrelated).(int)
	})
	ref := waiter.Remote()
	eventually(t, "waiter blocked in Get", func() bool { return rt.AvailableResources()["CPU"] == 1 })
	Cancel(ref)
	v := <-unblocked // returns while unrelated is still running
	err, _ := v.(error)
	if !errors.Is(err, ErrCancelled) {
		t.Fatalf("Get in cancelled task panicked with %v", v)
	}
	if unrelated.Ready() {
		t.Fatal("unrelated task finished")
	}
}
