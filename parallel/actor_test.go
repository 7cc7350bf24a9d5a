package parallel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

type counter struct{ n int }

func (c *counter) incr() int { c.n++; return c.n }

func newCounter() *counter { return &counter{} }

func incr(c *counter) int { return c.incr() }

func TestActorCallsRunInOrderOneAtATime(t *testing.T) {
	rt := newRT(t, NumCPUs(4))
	a := rt.NewActor(newCounter)
	var conc concurrency
	refs := make([]ObjectRef, 200)
	for i := range refs {
		refs[i] = a.Remote(func(c *counter, i int) int {
			conc.enter(i)
			defer conc.exit()
			time.Sleep(10 * time.Microsecond)
			return c.incr()
		}, i)
	}
	got := GetAll(refs...)
	for i, v := range got {
		if v.(int) != i+1 {
			t.Fatalf("call %d returned %v, want %d (calls ran out of order)", i, v, i+1)
		}
	}
	_, most, order := conc.snapshot()
	if most != 1 {
		t.Errorf("%d calls ran at once, want 1", most)
	}
	for i, id := range order {
		if id != i {
			t.Fatalf("call %d started %dth", id, i)
		}
	}
}

func TestActorMaxConcurrency(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter, MaxConcurrency(3))
	g := make(gate)
	var conc concurrency
	refs := make([]ObjectRef, 10)
	for i := range refs {
		refs[i] = a.Remote(func(c *counter, i int) int {
			conc.enter(i)
			defer conc.exit()
			<-g
			return i
		}, i)
	}
	eventually(t, "3 calls running", func() bool { cur, _, _ := conc.snapshot(); return cur == 3 })
	time.Sleep(20 * time.Millisecond) // give a fourth call the chance to start wrongly
	cur, _, order := conc.snapshot()
	if cur != 3 {
		t.Fatalf("%d calls running, want 3", cur)
	}
	// One caller's calls start in submission order: the first three run.
	if fmt.Sprint(sortedInts(order)) != "[0 1 2]" {
		t.Errorf("calls %v run first, want [0 1 2]", order)
	}
	g.open()
	GetAll(refs...)
	if _, most, _ := conc.snapshot(); most != 3 {
		t.Errorf("at most %d calls ran at once, want 3", most)
	}
}

func sortedInts(s []int) []int {
	s = append([]int(nil), s...)
	sort.Ints(s)
	return s
}

func TestActorOrderPerCallerFromTasks(t *testing.T) {
	rt := newRT(t, NumCPUs(4))
	type log struct{ seen map[int][]int }
	a := rt.NewActor(func() *log { return &log{seen: map[int][]int{}} })
	caller := rt.Remote(func(id int) int {
		for i := range 50 {
			a.Remote(func(l *log, id, i int) { l.seen[id] = append(l.seen[id], i) }, id, i)
		}
		return id
	})
	var refs []ObjectRef
	for id := range 4 {
		refs = append(refs, caller.Remote(id))
	}
	GetAll(refs...)
	// A last call from the driver runs after the callers' calls have been
	// submitted; wait for all to have run by polling the state.
	eventually(t, "all calls", func() bool {
		n := Get(a.Remote(func(l *log) int {
			n := 0
			for _, s := range l.seen {
				n += len(s)
			}
			return n
		})).(int)
		return n == 200
	})
	seen := Get(a.Remote(func(l *log) map[int][]int { return l.seen })).(map[int][]int)
	for id, s := range seen {
		for i, v := range s {
			if v != i {
				t.Fatalf("caller %d: call %d ran %dth", id, v, i)
			}
		}
	}
}

func TestActorCallerNotHeldUpBySlowArgument(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter)
	slowGate := make(gate)
	slow := rt.Remote(func() int { <-slowGate; return 10 }).Remote()
	// Caller A (a task) submits a call waiting for slow, then a ready call.
	callerA := rt.Remote(func() []ObjectRef {
		return []ObjectRef{
			a.Remote(func(c *counter, n int) int { c.n += n; return c.n }, slow),
			a.Remote(incr),
		}
	})
	aRefs := Get(callerA.Remote()).([]ObjectRef)
	// Caller B (the driver) is not held up by A's first call.
	if got := Get(a.Remote(incr)); got != 1 {
		t.Fatalf("B's call returned %v, want 1", got)
	}
	if aRefs[0].Ready() || aRefs[1].Ready() {
		t.Fatalf("A's calls ran before A's first call's argument was ready")
	}
	slowGate.open()
	if got := GetAll(aRefs...); got[0] != 11 || got[1] != 12 {
		t.Fatalf("A's calls returned %v, want [11 12] (in A's order)", got)
	}
}

func TestActorConstructorFails(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	for _, tc := range []struct {
		name string
		ctor any
		msg  string
	}{
		{"error", func() (*counter, error) { return nil, errors.New("no database") }, "no database"},
		{"panic", func() *counter { panic("bad config") }, "bad config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := rt.NewActor(tc.ctor)
			for range 3 {
				_, err := GetContext(context.Background(), a.Remote(incr))
				te := mustTaskError(t, err)
				want := "the actor died because its constructor failed: " + tc.msg
				if te.Message != want {
					t.Errorf("message %q, want %q", te.Message, want)
				}
				if !errors.Is(err, ErrActorDied) {
					t.Errorf("%v does not match ErrActorDied", err)
				}
				var de *ActorDiedError
				if !errors.As(err, &de) || !errors.As(de.Err, new(*TaskError)) {
					t.Errorf("%v does not carry the constructor's TaskError", err)
				}
			}
		})
	}
}

func TestActorNamed(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter, ActorName("counter"))
	if a.Name() != "counter" {
		t.Errorf("Name() = %q", a.Name())
	}
	a.Remote(incr)
	// Looked up from a task, on the task's runtime.
	lookup := rt.Remote(func() (int, error) {
		b, err := GetActor("counter")
		if err != nil {
			return 0, err
		}
		return Get(b.Remote(incr)).(int), nil
	})
	if got := Get(lookup.Remote()); got != 2 {
		t.Errorf("call through GetActor in a task returned %v, want 2", got)
	}
	if b, err := rt.GetActor("counter"); err != nil || b != a {
		t.Errorf("GetActor = %v, %v; want the actor", b, err)
	}
	_, err := rt.GetActor("countr")
	if !errors.Is(err, ErrInvalidCall) {
		t.Errorf("unknown name: %v does not wrap ErrInvalidCall", err)
	}
	wantContains(t, fmt.Sprint(err), `no actor named "countr"`, `named actors: "counter"`)
	err = mustPanic(t, func() { rt.NewActor(newCounter, ActorName("counter")) })
	wantContains(t, err.Error(), `an actor named "counter" exists`)

	Kill(a)
	if _, err := rt.GetActor("counter"); err == nil {
		t.Errorf("GetActor finds a killed actor")
	}
	b := rt.NewActor(newCounter, ActorName("counter")) // the name is free again
	if got := Get(b.Remote(incr)); got != 1 {
		t.Errorf("new actor's first call returned %v, want 1", got)
	}
}

func TestActorRefsWorkLikeTaskRefs(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter)
	r1, r2 := a.Remote(incr), a.Remote(incr)
	double := rt.Remote(func(n int) int { return 2 * n })
	if got := Get(double.Remote(r2)); got != 4 {
		t.Errorf("task given an actor call's ref got %v, want 4", got)
	}
	ready, _ := Wait([]ObjectRef{r1, r2}, 2, -1)
	if len(ready) != 2 {
		t.Errorf("Wait: %d ready", len(ready))
	}
	// A handle passed to a task is the handle itself, not a copy.
	same := rt.Remote(func(b *Actor, in []*Actor) bool { return b == a && in[0] == a })
	if !Get(same.Remote(a, []*Actor{a})).(bool) {
		t.Errorf("a task got a copy of an actor handle")
	}
	// A task's ref as an actor call argument.
	add := func(c *counter, n int) int { c.n += n; return c.n }
	if got := Get(a.Remote(add, double.Remote(5))); got != 12 {
		t.Errorf("call given a task's ref returned %v, want 12", got)
	}
}

func TestActorCallsFromActor(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	inner := rt.NewActor(newCounter)
	type relay struct{ to *Actor }
	outer := rt.NewActor(func() *relay { return &relay{to: inner} })
	var refs []ObjectRef
	for range 5 {
		refs = append(refs, outer.Remote(func(r *relay) int { return Get(r.to.Remote(incr)).(int) * 10 }))
	}
	if got := fmt.Sprint(GetAll(refs...)); got != "[10 20 30 40 50]" {
		t.Errorf("calls through another actor returned %s", got)
	}
}

type tally struct {
	vals []int
	mu   sync.Mutex
}

func TestActorStateIsNotCopied(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	type state struct{ vals []int }
	a := rt.NewActor(func() *state { return &state{} })
	in := []int{1, 2}
	r := a.Remote(func(s *state, v []int) *state { s.vals = append(s.vals, v...); return s }, in)
	in[0] = 100 // the call got a copy at submit time
	got := Get(r).(*state)
	if fmt.Sprint(got.vals) != "[1 2]" {
		t.Fatalf("state %v, want [1 2]", got.vals)
	}
	got.vals[0] = -1 // the result is a copy: the actor's state is unchanged
	after := Get(a.Remote(func(s *state) []int { return s.vals })).([]int)
	if fmt.Sprint(after) != "[1 2]" {
		t.Fatalf("changing a call's result changed the actor's state: %v", after)
	}
	// The state is the constructor's value itself, across calls.
	ptrs := GetAll(a.Remote(func(s *state) string { return fmt.Sprintf("%p", s) }), a.Remote(func(s *state) string { return fmt.Sprintf("%p", s) }))
	if ptrs[0] != ptrs[1] {
		t.Errorf("calls saw different states: %v", ptrs)
	}
	// A state holding a lock is shared, and results built from it copied.
	b := rt.NewActor(func() *tally { return &tally{} }, MaxConcurrency(4))
	var refs []ObjectRef
	for i := range 20 {
		refs = append(refs, b.Remote(func(s *tally, i int) int {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.vals = append(s.vals, i)
			return len(s.vals)
		}, i))
	}
	GetAll(refs...)
	if n := Get(b.Remote(func(s *tally) int { return len(s.vals) })); n != 20 {
		t.Errorf("concurrent calls recorded %v values, want 20", n)
	}
}

func TestActorValueState(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	type acc struct{ sum int }
	a := rt.NewActor(func() acc { return acc{} })
	for i := 1; i <= 3; i++ {
		a.Remote(func(s *acc, n int) { s.sum += n }, i)
	}
	if got := Get(a.Remote(func(s acc) int { return s.sum })); got != 6 {
		t.Errorf("value state: %v, want 6 (calls taking *acc change the state)", got)
	}
}

func TestActorMisuse(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter)
	for _, tc := range []struct {
		name string
		call func()
		want string
	}{
		{"wrong state type", func() { a.Remote(func(s string) int { return 0 }) }, "the actor's state is *parallel.counter"},
		{"no state parameter", func() { a.Remote(func() int { return 0 }) }, "fn must take the actor's state"},
		{"wrong arguments", func() { a.Remote(incr, 3) }, "got 1 arguments, want 0"},
		{"not a function", func() { a.Remote(3) }, "needs a function"},
		{"constructor with arguments", func() { rt.NewActor(func(n int) *counter { return nil }) }, "the constructor must take no arguments"},
		{"zero MaxConcurrency", func() { rt.NewActor(newCounter, MaxConcurrency(0)) }, "MaxConcurrency must be at least 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := mustPanic(t, tc.call)
			if !errors.Is(err, ErrInvalidCall) {
				t.Errorf("%v does not wrap ErrInvalidCall", err)
			}
			wantContains(t, err.Error(), tc.want)
		})
	}
}

func TestActorShutdown(t *testing.T) {
	rt := New(NumCPUs(2))
	a := rt.NewActor(newCounter, ActorName("c"))
	g := make(gate)
	r := a.Remote(func(c *counter) int { <-g; return 1 })
	rt.Shutdown()
	if _, err := GetContext(context.Background(), r); !errors.Is(err, ErrShutdown) && !errors.Is(err, ErrActorDied) {
		t.Errorf("call in flight at Shutdown: %v", err)
	}
	g.open()
	if _, err := rt.GetActor("c"); err == nil {
		t.Errorf("GetActor finds an actor of a shut-down runtime")
	}
}

func TestActorTimelineRows(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter, ActorName("counter"))
	b := rt.NewActor(newCounter, MaxConcurrency(2))
	g := make(gate)
	started := make(chan struct{}, 2)
	slowIncr := func(c *counter) int { started <- struct{}{}; <-g; return 0 }
	refs := []ObjectRef{a.Remote(incr), b.Remote(slowIncr), b.Remote(slowIncr)}
	<-started
	<-started
	g.open()
	GetAll(refs...)
	Get(rt.Remote(func() int { return 1 }).Remote())
	v, err := rt.Timeline("")
	if err != nil {
		t.Fatal(err)
	}
	if v.Actors != 3 {
		t.Errorf("%d actor rows, want 3 (counter, and two for the actor running 2 calls at once)", v.Actors)
	}
	var buf bytes.Buffer
	if err := rt.WriteTimeline(&buf); err != nil {
		t.Fatal(err)
	}
	var trace struct {
		TraceEvents []traceEvent `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &trace); err != nil {
		t.Fatal(err)
	}
	names := map[int]string{}
	for _, e := range trace.TraceEvents {
		if e.Name == "thread_name" && e.Pid == tracePid {
			names[e.Tid] = fmt.Sprint(e.Args["name"])
		}
	}
	bars := map[string]int{}
	for _, e := range trace.TraceEvents {
		if e.Ph == "X" && e.Pid == tracePid {
			bars[names[e.Tid]]++
		}
	}
	if bars["actor counter"] != 2 { // constructor and one call
		t.Errorf("bars per row %v: want 2 on \"actor counter\"", bars)
	}
	if bars["worker 0"] != 1 {
		t.Errorf("bars per row %v: want the task alone on \"worker 0\"", bars)
	}
	wantContains(t, v.SVG(), "actor counter")
}

func TestActorCancelAndInterrupt(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	h := newFakeHost(t, "cell 1")
	rt.SetHost(h)
	a := rt.NewActor(newCounter)
	Get(a.Remote(incr))
	h.setGroup("cell 2")
	started := make(chan struct{})
	running := a.Remote(func(ctx context.Context, c *counter) int {
		close(started)
		<-ctx.Done() // returns once cancelled
		return c.incr()
	})
	queued := a.Remote(incr)
	<-started
	// Interrupting cell 2 cancels its calls, running and queued.
	if n := rt.CancelGroup("cell 2"); n != 2 {
		t.Errorf("CancelGroup cancelled %d calls, want 2", n)
	}
	for _, r := range []ObjectRef{running, queued} {
		if _, err := GetContext(context.Background(), r); !errors.Is(err, ErrCancelled) {
			t.Errorf("cancelled call: %v", err)
		}
	}
	// The actor lives on; a call cancelled while queued never ran.
	h.setGroup("cell 3")
	// A call holds the actor until late is cancelled, so late is still
	// queued when it is (else it could start first and run to the end).
	release := make(chan struct{})
	hold := a.Remote(func(c *counter) int { <-release; return 0 })
	r := a.Remote(incr)
	late := a.Remote(incr)
	Cancel(late)
	close(release)
	Get(hold)
	if got := Get(r); got != 3 {
		t.Errorf("call after the interrupt returned %v, want 3 (the queued call must not have run)", got)
	}
	if got := Get(a.Remote(incr)); got != 4 {
		t.Errorf("next call returned %v, want 4", got)
	}
	// Calls that block in Get leave and re-enter the host's gate.
	inner := rt.Remote(func() int { return 1 })
	Get(a.Remote(func(c *counter) int { return Get(inner.Remote()).(int) }))
	if bad := h.check(); len(bad) != 0 {
		t.Errorf("host Enter/Exit: %v", bad)
	}
}

func TestActorNameOfFailedConstructor(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	bad := rt.NewActor(func() (*counter, error) { return nil, errors.New("boom") }, ActorName("svc"))
	_, err := GetContext(context.Background(), bad.Remote(incr))
	if !errors.Is(err, ErrActorDied) {
		t.Fatalf("call of a failed actor: %v", err)
	}
	// GetActor still finds it, and its calls say why it died.
	if a, err := rt.GetActor("svc"); err != nil || a != bad {
		t.Errorf("GetActor after a failed constructor = %v, %v", a, err)
	}
	good := rt.NewActor(newCounter, ActorName("svc")) // replaces the dead actor
	if a, _ := rt.GetActor("svc"); a != good {
		t.Errorf("GetActor does not return the new actor")
	}
	if got := Get(good.Remote(incr)); got != 1 {
		t.Errorf("new actor: %v", got)
	}
}

func TestActorFirstSubmittedReadyCallGoesFirst(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	type log struct{ order []string }
	a := rt.NewActor(func() *log { return &log{} })
	g := make(gate)
	busy := a.Remote(func(l *log) int { <-g; return 0 })
	note := func(l *log, s string) { l.order = append(l.order, s) }
	// A task submits its call first, the driver after it; both wait for busy.
	fromTask := Get(rt.Remote(func() ObjectRef { return a.Remote(note, "task") }).Remote()).(ObjectRef)
	fromDriver := a.Remote(note, "driver")
	g.open()
	GetAll(busy, fromTask, fromDriver)
	if got := fmt.Sprint(Get(a.Remote(func(l *log) []string { return l.order }))); got != "[task driver]" {
		t.Errorf("calls ran in order %s, want [task driver] (submission order across callers)", got)
	}
}

func TestActorCallPanicFailsAlone(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter)
	_, err := GetContext(context.Background(), a.Remote(func(c *counter) int { c.incr(); panic("bad input") }))
	te := mustTaskError(t, err)
	if te.Message != "bad input" || errors.Is(err, ErrActorDied) {
		t.Errorf("panicking call: %v", err)
	}
	if got := Get(a.Remote(incr)); got != 2 {
		t.Errorf("call after a panicking call returned %v, want 2", got)
	}
}

func TestActorCallWaitingForItsOwnActorFails(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter)
	_, err := GetContext(context.Background(), a.Remote(func(c *counter) int {
		return Get(a.Remote(incr)).(int) // would wait forever
	}))
	if !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("a call waiting for its own actor: %v", err)
	}
	wantContains(t, err.Error(), "waits for another call of the same actor")
	// With room for two calls at once, it works.
	b := rt.NewActor(newCounter, MaxConcurrency(2))
	if got := Get(b.Remote(func(c *counter) int { return Get(b.Remote(incr)).(int) * 10 })); got != 10 {
		t.Errorf("nested call with MaxConcurrency(2): %v", got)
	}
}

func TestActorCallErrorsAndFailedInputs(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	a := rt.NewActor(newCounter)
	// A trailing error result fails the call; the actor goes on.
	_, err := GetContext(context.Background(), a.Remote(func(c *counter) (int, error) { return 0, errors.New("refused") }))
	if te := mustTaskError(t, err); te.Message != "refused" {
		t.Errorf("call returning an error: %v", err)
	}
	// A call whose argument failed does not run, and says which input failed;
	// the caller's later calls still run.
	failing := rt.Remote(func() (int, error) { return 0, errors.New("no data") }).Remote()
	add := func(c *counter, n int) int { c.n += n; return c.n }
	_, err = GetContext(context.Background(), a.Remote(add, failing))
	if te := mustTaskError(t, err); te.Input != 0 || !strings.Contains(te.Error(), "no data") {
		t.Errorf("call with a failed input: %v", err)
	}
	if got := Get(a.Remote(incr)); got != 1 {
		t.Errorf("next call returned %v, want 1 (the call with a failed input must not run)", got)
	}
	// Several results come back as one []any, as for tasks.
	if got := fmt.Sprint(Get(a.Remote(func(c *counter) (int, string) { return c.n, "n" }))); got != "[1 n]" {
		t.Errorf("two results: %s", got)
	}
}

func TestActorInterruptedConstructor(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	g := make(gate)
	started := make(chan struct{})
	a := rt.NewActor(func() *counter { close(started); <-g; return &counter{} })
	call := a.Remote(incr)
	<-started
	// The host aborted the interpreted code in flight (an interrupt).
	if n := rt.AbortStarted(errors.New("interrupted")); n != 1 {
		t.Errorf("AbortStarted cancelled %d tasks, want the constructor", n)
	}
	_, err := GetContext(context.Background(), call)
	if !errors.Is(err, ErrActorDied) {
		t.Fatalf("call of an actor whose constructor was aborted: %v", err)
	}
	wantContains(t, err.Error(), "the actor died because its constructor failed: ", "interrupted")
	g.open()
}

func TestActorGetIfExists(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	ran := 0
	ctor := func() *counter { ran++; return &counter{} }
	a := rt.NewActor(ctor, ActorName("c"), GetIfExists())
	Get(a.Remote(incr))
	// Running the creating code again returns the live actor, state and all.
	b := rt.NewActor(ctor, ActorName("c"), GetIfExists())
	if b != a {
		t.Fatalf("GetIfExists created a second actor")
	}
	if got := Get(b.Remote(incr)); got != 2 || ran != 1 {
		t.Errorf("call returned %v with the constructor run %d times, want 2 and once", got, ran)
	}
	err := mustPanic(t, func() { rt.NewActor(ctor, ActorName("c")) })
	wantContains(t, err.Error(), "ray.GetIfExists()")
	Kill(a)
	if c := rt.NewActor(ctor, ActorName("c"), GetIfExists()); c == a || Get(c.Remote(incr)) != 1 {
		t.Errorf("GetIfExists after Kill did not create a fresh actor")
	}
}
