package parallel

import (
	"errors"
	"reflect"
	"runtime"
	"testing"

	"github.com/petermattis/goid"
)

func TestRemoteRejectsNonFunction(t *testing.T) {
	rt := newRT(t)
	for _, v := range []any{42, "f", nil, (func())(nil)} {
		err := mustPanic(t, func() { rt.Remote(v) })
		if !errors.Is(err, ErrInvalidCall) {
			t.Errorf("Remote(%v): %v does not wrap ErrInvalidCall", v, err)
		}
		wantContains(t, err.Error(), "needs a function")
	}
}

func add(a, b int) int { return a + b }

func TestSubmitWrongArgumentCount(t *testing.T) {
	f := newRT(t).Remote(add)
	err := mustPanic(t, func() { f.Remote(1) })
	if !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("%v does not wrap ErrInvalidCall", err)
	}
	wantContains(t, err.Error(), "parallel.add", "got 1 arguments, want 2", "func(int, int) int")
	if _, err := f.Submit(1, 2, 3); err == nil {
		t.Fatal("Submit with 3 args: no error")
	}
}

func TestSubmitWrongArgumentType(t *testing.T) {
	f := newRT(t).Remote(add)
	err := mustPanic(t, func() { f.Remote(1, "two") })
	wantContains(t, err.Error(), "parallel.add", "argument 1", `"two"`, "string", "as int")
	err = mustPanic(t, func() { f.Remote(1, 2.5) }) // not representable as int
	wantContains(t, err.Error(), "argument 1", "2.5")
	err = mustPanic(t, func() { f.Remote(nil, 1) })
	wantContains(t, err.Error(), "argument 0", "nil")
}

func TestUntypedConstantsConvert(t *testing.T) {
	rt := newRT(t)
	half := rt.Remote(func(x float64) float64 { return x / 2 })
	if got := Get(half.Remote(1)); got != 0.5 {
		t.Fatalf("half(1) = %v", got)
	}
	type celsius float64
	warm := rt.Remote(func(c celsius, n int64, u uint8, s string) bool { return c > 20 && n == 3 && u == 7 && s == "x" })
	if got := Get(warm.Remote(25, 3, 7, "x")); got != true {
		t.Fatalf("warm = %v", got)
	}
	err := mustPanic(t, func() { warm.Remote(25, 3, -1, "x") }) // -1 does not fit uint8
	wantContains(t, err.Error(), "argument 2")
	// A ref whose value has the wrong type fails the task when it runs.
	bad := half.Remote(Put("nope"))
	_, err = GetContext(t.Context(), bad)
	wantContains(t, mustTaskError(t, err).Error(), "argument 0", "string")
}

func TestVariadicAndInterfaceParams(t *testing.T) {
	rt := newRT(t)
	sum := rt.Remote(func(xs ...int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})
	if got := Get(sum.Remote(1, 2, Put(3))); got != 6 {
		t.Fatalf("sum = %v", got)
	}
	desc := rt.Remote(func(v any, e error) string {
		if e != nil {
			return "err"
		}
		return "ok"
	})
	if got := Get(desc.Remote(1, nil)); got != "ok" {
		t.Fatalf("desc = %v", got)
	}
}

func TestInfeasibleResourcesFailAtSubmit(t *testing.T) {
	rt := newRT(t, NumCPUs(4), Resources(map[string]float64{"GPU": 1}))
	f := rt.Remote(func() {})
	err := mustPanic(t, func() { f.Options(TaskCPUs(8)).Remote() })
	wantContains(t, err.Error(), "8 CPUs", "has 4")
	err = mustPanic(t, func() { f.Options(TaskResources(map[string]float64{"TPU": 1})).Remote() })
	wantContains(t, err.Error(), `unknown resource "TPU"`)
	err = mustPanic(t, func() { f.Options(TaskResources(map[string]float64{"GPU": 2})).Remote() })
	wantContains(t, err.Error(), "2 GPU")
	if !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("%v does not wrap ErrInvalidCall", err)
	}
	Get(f.Options(TaskResources(map[string]float64{"GPU": 1})).Remote())
}

func TestInvalidOptions(t *testing.T) {
	rt := newRT(t)
	two := rt.Remote(func() (int, string) { return 1, "a" })
	for name, o := range map[string]TaskOption{
		"NumReturns(-1)": NumReturns(-1), "NumReturns(3)": NumReturns(3),
		"TaskCPUs(-1)": TaskCPUs(-1), "MaxRetries(-1)": MaxRetries(-1),
	} {
		err := mustPanic(t, func() { two.Options(o) })
		if !errors.Is(err, ErrInvalidCall) {
			t.Errorf("%s: %v does not wrap ErrInvalidCall", name, err)
		}
	}
	mustPanic(t, func() { New(NumCPUs(0)) })
	err := mustPanic(t, func() { two.Options(NumReturns(2)).Remote() })
	wantContains(t, err.Error(), "RemoteN")
}

func TestInitReinitShutdown(t *testing.T) {
	Shutdown()
	t.Cleanup(Shutdown)
	if IsInitialized() {
		t.Fatal("initialized after Shutdown")
	}
	// Remote before Init initialises with defaults.
	ref := Remote(func() int { return 1 }).Remote()
	if !IsInitialized() {
		t.Fatal("Remote did not initialise")
	}
	if got := ClusterResources()["CPU"]; got != float64(runtime.NumCPU()) {
		t.Fatalf("default CPUs = %v, want %d", got, runtime.NumCPU())
	}
	rt := Default()
	Init(NumCPUs(4))
	Init(NumCPUs(4)) // re-running the cell: no error, same runtime
	if Default() != rt || Get(ref) != 1 {
		t.Fatal("re-Init replaced the runtime")
	}
	if got := ClusterResources()["CPU"]; got != 4 {
		t.Fatalf("CPUs after Init(NumCPUs(4)) = %v", got)
	}
	Init() // no options: nothing changes
	if got := ClusterResources()["CPU"]; got != 4 {
		t.Fatalf("CPUs after Init() = %v", got)
	}
	// A later cell asking for other totals (the seed's exercise 3 after
	// exercise 1 in one kernel) resizes the running runtime.
	Init(NumCPUs(9))
	if Default() != rt || ClusterResources()["CPU"] != 9 || AvailableResources()["CPU"] != 9 {
		t.Fatalf("after Init(NumCPUs(9)): %v", ClusterResources())
	}
	Shutdown()
	Init(NumCPUs(2))
	if Default() == rt || ClusterResources()["CPU"] != 2 {
		t.Fatal("Shutdown then Init did not give a fresh runtime")
	}
	if Get(ref) != 1 {
		t.Fatal("a resolved ref of the old runtime is no longer readable")
	}
	if Get(Put("x")) != "x" {
		t.Fatal("Put/Get")
	}
}

func TestResourceTotalsAsGivenToInit(t *testing.T) {
	rt := newRT(t, NumCPUs(3), Resources(map[string]float64{"GPU": 2, "disk": 0.5}))
	want := map[string]float64{"CPU": 3, "GPU": 2, "disk": 0.5}
	for k, v := range want {
		if got := rt.ClusterResources()[k]; got != v {
			t.Errorf("ClusterResources[%s] = %v, want %v", k, got, v)
		}
		if got := rt.AvailableResources()[k]; got != v {
			t.Errorf("AvailableResources[%s] = %v, want %v", k, got, v)
		}
	}
	g := make(gate)
	hold := rt.Remote(func() { <-g }).Options(TaskCPUs(2), TaskResources(map[string]float64{"GPU": 1}))
	ref := hold.Remote()
	eventually(t, "task holding resources", func() bool {
		a := rt.AvailableResources()
		return a["CPU"] == 1 && a["GPU"] == 1
	})
	g.open()
	Get(ref)
	eventually(t, "resources back", func() bool { return rt.AvailableResources()["CPU"] == 3 })
}

func TestGoroutineIDMatchesRuntimeStack(t *testing.T) {
	check := func() {
		var buf [64]byte
		want := goid.ExtractGID(buf[:runtime.Stack(buf[:], false)])
		if got := goid.Get(); got != want {
			t.Errorf("goid.Get() = %d, runtime.Stack says %d", got, want)
		}
	}
	check()
	done := make(chan struct{})
	go func() { defer close(done); check() }()
	<-done
	rt := newRT(t)
	Get(rt.Remote(check).Remote())
}

// Interpreted (yaegi) functions reach Remote as reflect.MakeFunc values.
func TestMakeFuncValues(t *testing.T) {
	rt := newRT(t)
	ft := reflect.TypeFor[func(int) int]()
	fn := reflect.MakeFunc(ft, func(in []reflect.Value) []reflect.Value {
		if in[0].Int() < 0 {
			panic(errors.New("negative"))
		}
		return []reflect.Value{reflect.ValueOf(int(in[0].Int() * 3))}
	}).Interface()
	f := rt.Remote(fn)
	if f.Name() != "func(int) int" {
		t.Fatalf("name %q", f.Name())
	}
	if got := Get(f.Remote(2)); got != 6 {
		t.Fatalf("got %v", got)
	}
	_, err := GetContext(t.Context(), f.Remote(-1))
	if te := mustTaskError(t, err); te.Message != "negative" || te.Function != "func(int) int" {
		t.Fatalf("%+v", te)
	}
}
