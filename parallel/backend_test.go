package parallel

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// fakeBackend runs tasks on goroutines of its own, standing for a cluster:
// it keeps the values of the objects it made, so that ref arguments are
// passed by id as a real backend passes them by key.
type fakeBackend struct {
	mu      sync.Mutex
	objs    map[uint64]any
	sent    []*RemoteTask
	maxCPUs float64
	closed  bool
	// lazy: results are given as Lazy values whose loads are counted
	// and fail with loadErr if it is set.
	lazy    bool
	loads   int
	loadErr error
}

func newFakeBackend() *fakeBackend { return &fakeBackend{objs: map[uint64]any{}, maxCPUs: 4} }

func (b *fakeBackend) Prepare(t *RemoteTask) error {
	if t.CPUs > b.maxCPUs || len(t.Res) > 0 {
		return fmt.Errorf("no worker has %v CPUs and %v", t.CPUs, t.Res)
	}
	return nil
}

func (b *fakeBackend) Submit(t *RemoteTask) error {
	b.mu.Lock()
	b.sent = append(b.sent, t)
	args := make([]reflect.Value, len(t.Args))
	for i, a := range t.Args {
		args[i] = a.Value
		if a.Remote {
			args[i] = reflect.ValueOf(b.objs[a.Object])
		}
	}
	b.mu.Unlock()
	go func() {
		start := time.Now()
		out := t.Func.Call(args)
		span := &RemoteSpan{Process: "fake:7", Pid: 7, Slot: 0, Start: start, End: time.Now()}
		if n := len(out); n > len(t.Results) {
			if err, _ := out[n-1].Interface().(error); err != nil {
				t.Done(RemoteResult{Err: err, Span: span})
				return
			}
			out = out[:n-1]
		}
		vals := make([]any, len(out))
		for i, v := range out {
			vals[i] = v.Interface()
		}
		b.mu.Lock()
		if len(t.Outs) == 1 && len(vals) == 1 {
			b.objs[t.Outs[0]] = vals[0]
		}
		if b.lazy {
			for i, v := range vals {
				vals[i] = Lazy(func() (any, error) {
					b.mu.Lock()
					defer b.mu.Unlock()
					b.loads++
					return v, b.loadErr
				})
			}
		}
		b.mu.Unlock()
		t.Done(RemoteResult{Values: vals, Span: span})
	}()
	return nil
}

func (b *fakeBackend) Close() error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	return nil
}

// connectedRT returns a runtime connected to a fake backend.
func connectedRT(t *testing.T) (*Runtime, *fakeBackend) {
	t.Helper()
	b := newFakeBackend()
	SetDialer(func(addr string) (Backend, error) {
		if addr != "fake://x" {
			return nil, fmt.Errorf("unknown address %q", addr)
		}
		return b, nil
	})
	t.Cleanup(func() { SetDialer(nil) })
	return newRT(t, NumCPUs(1), Address("fake://x")), b
}

func TestBackendRunsTasksAndRefArgs(t *testing.T) {
	rt, b := connectedRT(t)
	double := rt.Remote(func(x int) int { return 2 * x })
	add := rt.Remote(func(x, y int) int { return x + y })
	a := double.Remote(20)
	p := rt.Put(2)
	sum := add.Remote(a, p)
	v, err := GetContext(t.Context(), sum)
	if err != nil || v != 42 {
		t.Fatalf("Get = %v, %v; want 42", v, err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.sent) != 2 {
		t.Fatalf("backend got %d tasks, want 2", len(b.sent))
	}
	args := b.sent[1].Args
	if !args[0].Remote || args[0].Object != a.ID() || args[0].Task != b.sent[0].ID || args[0].Index != 0 {
		t.Errorf("arg 0 = %+v, want the remote object %d", args[0], a.ID())
	}
	if args[0].Value.Interface() != 40 {
		t.Errorf("arg 0 has value %v, want 40", args[0].Value)
	}
	if args[1].Remote || args[1].Object != p.ID() || args[1].Value.Interface() != 2 {
		t.Errorf("arg 1 = %+v, want the Put object %d with value 2", args[1], p.ID())
	}
	if b.sent[0].MaxRetries != -1 || !reflect.DeepEqual(b.sent[0].Results, []reflect.Type{reflect.TypeFor[int]()}) {
		t.Errorf("task 0 = %+v", b.sent[0])
	}
}

func TestBackendErrorsAndFeasibility(t *testing.T) {
	rt, _ := connectedRT(t)
	boom := errors.New("boom")
	f := rt.Remote(func() (int, error) { return 0, boom })
	_, err := GetContext(t.Context(), f.Remote())
	if te := mustTaskError(t, err); !errors.Is(err, boom) || te.Message != "boom" {
		t.Fatalf("err = %v, want a TaskError wrapping boom", err)
	}
	// Needing more than any worker has is a submit error, even with 1 local CPU.
	_, err = rt.Remote(func() {}).Options(TaskCPUs(8)).Submit()
	if !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("8 CPUs: err = %v, want ErrInvalidCall", err)
	}
	wantContains(t, err.Error(), "no worker has 8 CPUs")
	// 3 CPUs do not fit the local runtime (1 CPU) but fit the cluster.
	v, err := GetContext(t.Context(), rt.Remote(func() int { return 3 }).Options(TaskCPUs(3)).Remote())
	if err != nil || v != 3 {
		t.Fatalf("3 CPUs: %v, %v", v, err)
	}
}

func TestBackendLocalAndFailedInput(t *testing.T) {
	rt, b := connectedRT(t)
	// Local runs on rt itself: the backend never sees it.
	v, err := GetContext(t.Context(), rt.Local(func() int { return 5 }).Remote())
	if err != nil || v != 5 {
		t.Fatalf("Local: %v, %v", v, err)
	}
	bad := rt.Remote(func() (int, error) { return 0, errors.New("bad input") }).Remote()
	_, err = GetContext(t.Context(), rt.Remote(func(x int) int { return x }).Remote(bad))
	if te := mustTaskError(t, err); te.Input != 0 {
		t.Fatalf("err = %v, want input 0 failed", err)
	}
	b.mu.Lock()
	n := len(b.sent)
	b.mu.Unlock()
	if n != 1 {
		t.Fatalf("backend got %d tasks, want 1 (the failing one; its dependent never runs)", n)
	}
}

func TestAddressErrors(t *testing.T) {
	SetDialer(nil)
	err := mustPanic(t, func() { New(Address("nats://127.0.0.1:1")) })
	if !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("no dialer: %v", err)
	}
	rt, _ := connectedRT(t)
	if err := rt.Reconfigure(Address("fake://x")); err != nil {
		t.Fatalf("same address again: %v", err)
	}
	if err := rt.Reconfigure(Address("fake://y")); !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("other address: %v", err)
	}
}

func TestBackendTimelineHasWorkerProcess(t *testing.T) {
	rt, _ := connectedRT(t)
	if _, err := GetContext(t.Context(), rt.Remote(func() int { return 1 }).Remote()); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := rt.WriteTimeline(&buf); err != nil {
		t.Fatal(err)
	}
	var tr struct {
		TraceEvents []traceEvent `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &tr); err != nil {
		t.Fatal(err)
	}
	var named, ran bool
	for _, e := range tr.TraceEvents {
		if e.Pid == 7 && e.Name == "process_name" && e.Args["name"] == "worker fake:7" {
			named = true
		}
		if e.Pid == 7 && e.Ph == "X" && e.Cat == "task" {
			ran = true
		}
	}
	if !named || !ran {
		t.Fatalf("trace lacks the worker process 7 (named %v, task %v):\n%s", named, ran, buf.String())
	}
}

// A backend's Lazy results are loaded once, when the process reads them,
// and passed to other remote tasks by reference without loading; a load
// error is the reader's error.
func TestBackendLazyResults(t *testing.T) {
	rt, b := connectedRT(t)
	b.lazy = true
	loads := func() int {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.loads
	}
	double := rt.Remote(func(x int) int { return 2 * x })
	add := rt.Remote(func(x, y int) int { return x + y })
	a := double.Remote(20)
	sum := add.Remote(a, 1)
	if v, err := GetContext(t.Context(), sum); err != nil || v != 41 {
		t.Fatalf("Get(sum) = %v, %v; want 41", v, err)
	}
	if n := loads(); n != 1 {
		t.Errorf("%d loads after Get(sum), want 1 (a passed by reference)", n)
	}
	b.mu.Lock()
	if arg := b.sent[1].Args[0]; arg.Value.IsValid() || !arg.Remote || arg.Index != 0 {
		t.Errorf("add's argument from a lazy result = %+v, want no value, by reference", arg)
	}
	b.mu.Unlock()
	for range 2 {
		if v, err := GetContext(t.Context(), a); err != nil || v != 40 {
			t.Fatalf("Get(a) = %v, %v; want 40", v, err)
		}
	}
	if n := loads(); n != 2 {
		t.Errorf("%d loads after Get(a) twice, want 2", n)
	}
	// A parameter of interface type needs the value: it is loaded.
	describe := rt.Remote(func(x any) string { return fmt.Sprint(x) })
	if v, err := GetContext(t.Context(), describe.Remote(double.Remote(4))); err != nil || v != "8" {
		t.Fatalf("describe = %v, %v; want 8", v, err)
	}
	b.mu.Lock()
	arg := b.sent[len(b.sent)-1].Args[0]
	b.mu.Unlock()
	if !arg.Value.IsValid() || arg.Value.Interface() != 8 {
		t.Errorf("describe's argument = %+v, want the value 8", arg)
	}
	// A failed load is the error of the Get that needed it.
	b.mu.Lock()
	b.loadErr = errors.New("object store unreachable")
	b.mu.Unlock()
	_, err := GetContext(t.Context(), double.Remote(1))
	if err == nil || !errors.Is(err, b.loadErr) {
		t.Fatalf("Get with a failing load: %v, want the load's error", err)
	}
	if _, err := GetAllContext(t.Context(), double.Remote(2)); !errors.Is(err, b.loadErr) {
		t.Fatalf("GetAll with a failing load: %v, want the load's error", err)
	}
}

// enderBackend records the order of Ending, Cancel and Close.
type enderBackend struct {
	*fakeBackend
	mu    sync.Mutex
	order []string
}

func (b *enderBackend) note(s string) {
	b.mu.Lock()
	b.order = append(b.order, s)
	b.mu.Unlock()
}

func (b *enderBackend) Ending()            { b.note("Ending") }
func (b *enderBackend) Cancel(*RemoteTask) { b.note("Cancel") }
func (b *enderBackend) Close() error       { b.note("Close"); return b.fakeBackend.Close() }

// Shutdown tells an Ender that its session ends before it cancels the
// running tasks, and closes it last.
func TestShutdownEndingBeforeCancels(t *testing.T) {
	b := &enderBackend{fakeBackend: newFakeBackend()}
	SetDialer(func(string) (Backend, error) { return b, nil })
	t.Cleanup(func() { SetDialer(nil) })
	rt := New(NumCPUs(1), Address("fake://x"))
	block := make(chan struct{})
	defer close(block)
	ref := rt.Remote(func() int { <-block; return 1 }).Remote()
	for {
		b.fakeBackend.mu.Lock()
		n := len(b.sent)
		b.fakeBackend.mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	rt.Shutdown()
	if _, err := GetContext(t.Context(), ref); !errors.Is(err, ErrShutdown) {
		t.Errorf("Get after Shutdown: %v", err)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if want := []string{"Ending", "Cancel", "Close"}; !reflect.DeepEqual(b.order, want) {
		t.Errorf("calls %v, want %v", b.order, want)
	}
}
