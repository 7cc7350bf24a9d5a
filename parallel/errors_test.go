package parallel

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

var errBoom = errors.New("boom")

func explode(x int) int {
	if x > 0 {
		panic(fmt.Errorf("exploding %d: %w", x, errBoom))
	}
	return x
}

func TestPanicFailsTask(t *testing.T) {
	rt := newRT(t)
	ref := rt.Remote(explode).Remote(3)
	err := mustPanic(t, func() { Get(ref) })
	te := mustTaskError(t, err)
	if te.Function != "parallel.explode" || te.Name != "parallel.explode" {
		t.Errorf("function %q name %q", te.Function, te.Name)
	}
	if te.Message != "exploding 3: boom" {
		t.Errorf("message %q", te.Message)
	}
	if !errors.Is(err, errBoom) {
		t.Error("TaskError does not unwrap to the original error")
	}
	wantContains(t, te.Error(), "parallel.explode", "exploding 3: boom")
	if len(te.Stack) == 0 || !strings.Contains(te.Stack[0], "parallel.explode") || !strings.Contains(te.Stack[0], "errors_test.go") {
		t.Errorf("stack %q does not start at the panic in explode", te.Stack)
	}
	for _, f := range te.Stack {
		if strings.HasPrefix(f, "runtime.") || strings.HasPrefix(f, "reflect.") || strings.Contains(f, "parallel.(*task)") {
			t.Errorf("stack keeps internal frame %q", f)
		}
	}
	wantContains(t, te.Detail(), "stack of task", "errors_test.go")
}

func TestPanicValuesAndRuntimeErrors(t *testing.T) {
	rt := newRT(t)
	_, err := GetContext(t.Context(), rt.Remote(func() { panic("plain string") }).Remote())
	var pe *PanicError
	if !errors.As(err, &pe) || pe.Value != "plain string" {
		t.Fatalf("panic(string): %v", err)
	}
	_, err = GetContext(t.Context(), rt.Remote(func() int {
		var m map[string]int
		//lint:ignore SA5000 the nil-map write is the panic under test
		m["x"] = 1
		return 0
	}).Remote())
	wantContains(t, mustTaskError(t, err).Message, "nil map")
	// The process survived; the runtime still works.
	if Get(rt.Remote(func() int { return 7 }).Remote()) != 7 {
		t.Fatal("runtime broken after panics")
	}
}

func TestErrorResultFailsTask(t *testing.T) {
	rt := newRT(t)
	open := rt.Remote(func(name string) (int, error) {
		if name == "" {
			return 0, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
		}
		return len(name), nil
	})
	if got := Get(open.Remote("abc")); got != 3 { // (T, error): the value is T
		t.Fatalf("value = %v", got)
	}
	_, err := GetContext(t.Context(), open.Remote(""))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("%v does not unwrap to fs.ErrNotExist", err)
	}
	var pathErr *fs.PathError
	if !errors.As(err, &pathErr) {
		t.Fatal("errors.As *fs.PathError failed")
	}
	only := rt.Remote(func() error { return errBoom })
	if _, err := GetContext(t.Context(), only.Remote()); !errors.Is(err, errBoom) {
		t.Fatalf("error-only func: %v", err)
	}
	if v, err := GetContext(t.Context(), rt.Remote(func() error { return nil }).Remote()); v != nil || err != nil {
		t.Fatalf("nil error: %v %v", v, err)
	}
}

func TestMultipleResults(t *testing.T) {
	rt := newRT(t)
	pair := rt.Remote(func(x int) (int, string, error) { return x * 2, fmt.Sprint(x), nil })
	if got := Get(pair.Remote(4)); !reflect.DeepEqual(got, []any{8, "4"}) {
		t.Fatalf("one ref: %v", got)
	}
	refs := pair.Options(NumReturns(2)).RemoteN(5)
	if len(refs) != 2 || Get(refs[0]) != 10 || Get(refs[1]) != "5" {
		t.Fatalf("NumReturns(2): %v", GetAll(refs...))
	}
	failing := rt.Remote(func() (int, int, error) { return 0, 0, errBoom }).Options(NumReturns(2))
	for _, r := range failing.RemoteN() {
		if _, err := GetContext(t.Context(), r); !errors.Is(err, errBoom) {
			t.Fatalf("ref %v: %v", r, err)
		}
	}
	if v := Get(rt.Remote(func() {}).Remote()); v != nil {
		t.Fatalf("no results: %v", v)
	}
}

func TestGetAllFailsFast(t *testing.T) {
	rt := newRT(t, NumCPUs(2))
	g := make(gate)
	defer g.open()
	slow := rt.Remote(func() int { <-g; return 1 }).Remote()
	bad := rt.Remote(func() int { panic("fast failure") }).Remote()
	// GetAll returns the failure while slow is still blocked on the gate.
	_, err := GetAllContext(t.Context(), slow, bad)
	te := mustTaskError(t, err)
	if te.Message != "fast failure" {
		t.Fatalf("message %q", te.Message)
	}
	if slow.Ready() {
		t.Fatal("slow finished: GetAll did not fail fast")
	}
	err = mustPanic(t, func() { GetAll(slow, bad) })
	mustTaskError(t, err)
}

func TestDependencyFailureChainsToRoot(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	var ran atomic.Int32
	root := rt.Remote(func() int { panic(fmt.Errorf("load: %w", errBoom)) }).Options(TaskName("load"))
	mid := rt.Remote(func(x int) int { ran.Add(1); return x }).Options(TaskName("normalize"))
	top := rt.Remote(func(a, b int) int { ran.Add(1); return a + b }).Options(TaskName("features"))
	r := root.Remote()
	m := mid.Remote(r)
	t3 := top.Remote(1, m)
	_, err := GetContext(t.Context(), t3)
	te := mustTaskError(t, err)
	if ran.Load() != 0 {
		t.Fatal("a task whose input failed ran")
	}
	if te.Name != "features" || te.Input != 1 {
		t.Fatalf("top error: name %q input %d", te.Name, te.Input)
	}
	wantContains(t, te.Error(), "features", "input 1 failed", "normalize", "load: boom")
	rootErr := te.Root()
	if rootErr.Name != "load" || rootErr.Input != -1 || rootErr.Message != "load: boom" {
		t.Fatalf("root = %+v", rootErr)
	}
	if !errors.Is(err, errBoom) {
		t.Fatal("chain does not unwrap to the root cause")
	}
	wantContains(t, te.Detail(), "input 1 of features came from task normalize", "input 0 of normalize came from task load")
}

// TestRetries: as in Ray, MaxRetries re-runs a task that panics or returns
// an error only with RetryExceptions(true); each attempt is in the
// TaskError and has its own bar in the timeline.
func TestRetries(t *testing.T) {
	rt := newRT(t)
	var calls atomic.Int32
	flaky := rt.Remote(func() (int, error) {
		switch calls.Add(1) {
		case 1:
			panic("flaky")
		case 2:
			return 0, errors.New("still flaky")
		}
		return 42, nil
	}).Options(TaskName("flaky"))

	// Without RetryExceptions, application failures are not retried.
	_, err := GetContext(t.Context(), flaky.Options(MaxRetries(5)).Remote())
	if te := mustTaskError(t, err); te.Attempt != 0 || calls.Load() != 1 || te.Previous != nil {
		t.Fatalf("attempt %d calls %d previous %v", te.Attempt, calls.Load(), te.Previous)
	}

	calls.Store(0)
	ref := flaky.Options(MaxRetries(2), RetryExceptions(true)).Remote()
	if got := Get(ref); got != 42 {
		t.Fatalf("got %v", got)
	}
	calls.Store(0)
	_, err = GetContext(t.Context(), flaky.Options(MaxRetries(1), RetryExceptions(true)).Remote())
	te := mustTaskError(t, err)
	if te.Attempt != 1 || calls.Load() != 2 || te.Message != "still flaky" {
		t.Fatalf("attempt %d calls %d: %v", te.Attempt, calls.Load(), te)
	}
	if len(te.Previous) != 1 || te.Previous[0].Attempt != 0 || te.Previous[0].Message != "flaky" {
		t.Fatalf("Previous = %v", te.Previous)
	}
	wantContains(t, te.Detail(), "attempt 0 failed too: flaky")
	// RetryExceptions(false) turns it off again.
	calls.Store(0)
	GetContext(t.Context(), flaky.Options(MaxRetries(1), RetryExceptions(true), RetryExceptions(false)).Remote())
	if calls.Load() != 1 {
		t.Fatalf("calls = %d with RetryExceptions(false)", calls.Load())
	}

	// The successful task's three attempts are three bars.
	var attempts []int
	for _, e := range rt.trace.snapshot() {
		if e.kind == evTask && e.task == ref.o.producer.id {
			if e.failed != (e.attempt < 2) || e.retried != (e.attempt < 2) {
				t.Errorf("attempt %d: failed %v retried %v", e.attempt, e.failed, e.retried)
			}
			attempts = append(attempts, e.attempt)
		}
	}
	if !slices.Equal(attempts, []int{0, 1, 2}) {
		t.Fatalf("timeline attempts = %v, want [0 1 2]", attempts)
	}
}

func TestZeroRef(t *testing.T) {
	var r ObjectRef
	if _, err := GetContext(t.Context(), r); !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("zero ref: %v", err)
	}
	f := newRT(t).Remote(func(int) {})
	mustPanic(t, func() { f.Remote(r) })
}

func TestGoexitInTaskFailsIt(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	_, err := GetContext(t.Context(), rt.Remote(func() { runtime.Goexit() }).Remote())
	wantContains(t, mustTaskError(t, err).Message, "Goexit")
	if Get(rt.Remote(func() int { return 1 }).Remote()) != 1 { // its CPU came back
		t.Fatal("runtime stuck")
	}
}
