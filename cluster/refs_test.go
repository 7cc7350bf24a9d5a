package cluster

import (
	"context"
	"os"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// refBox is a struct holding a ref, as a result, argument and Put value.
type refBox struct {
	R parallel.ObjectRef
	N int
}

func registerRefFuncs(r *Registry) {
	// fanout submits n squareOf tasks through the cluster and returns
	// their refs, without waiting for them.
	r.Register("fanout", func(n int) []parallel.ObjectRef {
		sq := parallel.Remote(squareOf)
		refs := make([]parallel.ObjectRef, n)
		for i := range refs {
			refs[i] = sq.Remote(i)
		}
		return refs
	})
	r.Register("sumRefs", func(refs []parallel.ObjectRef) int {
		s := 0
		for _, v := range parallel.GetAll(refs...) {
			s += v.(int)
		}
		return s
	})
	r.Register("sumMap", func(m map[string]parallel.ObjectRef) int {
		s := 0
		for _, ref := range m {
			s += parallel.Get(ref).(int)
		}
		return s
	})
	r.Register("boxed", func(x int) refBox { return refBox{R: parallel.Remote(squareOf).Remote(x), N: x} })
	r.Register("unbox", func(b refBox) int { return parallel.Get(b.R).(int) + b.N })
	// putInside returns a ref to a value Put on the worker.
	r.Register("putInside", func(x int) []parallel.ObjectRef { return []parallel.ObjectRef{parallel.Put(x * 10)} })
	// gc collects the worker's garbage (refs it no longer holds are
	// released) and returns its pid.
	r.Register("gc", func() int {
		runtime.GC()
		runtime.GC()
		return os.Getpid()
	})
}

// startWorkerWith starts a worker process with cpus CPUs and one unit of
// the custom resource res (so a test can choose where a task runs).
func (tc *testCluster) startWorkerWith(cpus int, res string) {
	tc.t.Helper()
	cmd := startProcess(tc.t, "WARREN_TEST_WORKER="+tc.head.URL(), "WARREN_TEST_CPUS="+strconv.Itoa(cpus), "WARREN_TEST_RESOURCE="+res)
	tc.mu.Lock()
	tc.workers = append(tc.workers, cmd)
	tc.mu.Unlock()
}

// TestClusterRefsInValues sends refs inside values between the driver and
// two workers (A and B, chosen by resource): refs made on a worker and
// returned in a slice resolve on the driver and on the other worker, and
// the driver's refs inside slices, maps, structs and Put values (and an
// actor call's result, which only the driver has) resolve on workers.
func TestClusterRefsInValues(t *testing.T) {
	fn := registryFunc(t, testRegistry())
	tc := startCluster(t)
	tc.startWorkerWith(2, "A")
	tc.startWorkerWith(2, "B")
	rt, _ := tc.connect(2)
	onA := parallel.TaskResources(map[string]float64{"A": 1})
	onB := parallel.TaskResources(map[string]float64{"B": 1})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	square := rt.Remote(fn("square"))
	sumRefs := rt.Remote(fn("sumRefs")).Options(onB)
	unbox := rt.Remote(fn("unbox")).Options(onB)

	t.Run("slice result of refs made on a worker", func(t *testing.T) {
		outer := rt.Remote(fn("fanout")).Options(onA).Remote(5)
		refs := get(t, outer).([]parallel.ObjectRef)
		outer = parallel.ObjectRef{} // the carrier may go: the refs keep their values
		_ = outer
		runtime.GC()
		runtime.GC()
		pa := get(t, rt.Remote(fn("gc")).Options(onA).Remote()) // worker A collects too
		vals, err := parallel.GetAllContext(ctx, refs...)
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if v != i*i {
				t.Errorf("refs[%d] = %v, want %d", i, v, i*i)
			}
		}
		// On worker B, which did not make them.
		if pb := get(t, rt.Remote(fn("gc")).Options(onB).Remote()); pb == pa {
			t.Fatalf("workers A and B are one process (%v)", pa)
		}
		if v := get(t, sumRefs.Remote(refs)); v != 0+1+4+9+16 {
			t.Errorf("sumRefs on worker B = %v, want 30", v)
		}
		// As an argument of its own.
		if v := get(t, square.Remote(refs[3])); v != 81 {
			t.Errorf("square(refs[3]) = %v, want 81", v)
		}
	})

	t.Run("slice argument of the driver's refs", func(t *testing.T) {
		refs := []parallel.ObjectRef{square.Remote(1), square.Remote(2), square.Remote(3), rt.Put(100)}
		if v := get(t, sumRefs.Remote(refs)); v != 1+4+9+100 {
			t.Errorf("sumRefs = %v, want 114", v)
		}
	})

	t.Run("struct result and argument", func(t *testing.T) {
		b := get(t, rt.Remote(fn("boxed")).Options(onA).Remote(7)).(refBox)
		if b.N != 7 {
			t.Errorf("boxed(7).N = %d", b.N)
		}
		if v := get(t, b.R); v != 49 {
			t.Errorf("boxed(7).R = %v on the driver, want 49", v)
		}
		if v := get(t, unbox.Remote(b)); v != 56 {
			t.Errorf("unbox(boxed(7)) on worker B = %v, want 56", v)
		}
	})

	t.Run("map argument", func(t *testing.T) {
		m := map[string]parallel.ObjectRef{"a": square.Remote(2), "b": rt.Put(5)}
		if v := get(t, rt.Remote(fn("sumMap")).Options(onA).Remote(m)); v != 9 {
			t.Errorf("sumMap = %v, want 9", v)
		}
	})

	t.Run("ref inside a Put value", func(t *testing.T) {
		p := rt.Put(refBox{R: square.Remote(3), N: 1})
		if v := get(t, unbox.Remote(p)); v != 10 {
			t.Errorf("unbox(Put(refBox{square(3), 1})) = %v, want 10", v)
		}
	})

	t.Run("actor call's result inside a value", func(t *testing.T) {
		c := rt.NewActor(fn("counterNew")) // on a worker
		next := c.Remote(fn("counterAdd"), 21)
		if v := get(t, sumRefs.Remote([]parallel.ObjectRef{next, square.Remote(2)})); v != 21+4 {
			t.Errorf("sumRefs(actor call, square(2)) on worker B = %v, want 25", v)
		}
	})

	t.Run("Put made on a worker", func(t *testing.T) {
		refs := get(t, rt.Remote(fn("putInside")).Options(onA).Remote(4)).([]parallel.ObjectRef)
		get(t, rt.Remote(fn("gc")).Options(onA).Remote())
		if v := get(t, refs[0]); v != 40 {
			t.Errorf("Put(40) made on worker A = %v on the driver", v)
		}
		if v := get(t, sumRefs.Remote(refs)); v != 40 {
			t.Errorf("Put(40) made on worker A = %v on worker B", v)
		}
	})
}

// TestRefOwnerGone: a decoded ref waiting for a value of a session that
// ends (its driver's ray.Shutdown) fails instead of waiting forever.
func TestRefOwnerGone(t *testing.T) {
	tc := startCluster(t)
	_, owner := tc.connect(0)
	_, reader := tc.connect(0)
	r := parallel.Put(1) // only for its wire form
	val, err := encode(reflect.ValueOf([]parallel.ObjectRef{r}))
	if err != nil {
		t.Fatal(err)
	}
	val.Refs = []refMsg{{Wire: r.ID(), Key: owner.resultKey(999_999), Index: 0, Types: []string{"int"}}}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := reader.c.load(ctx, val, reflect.TypeFor[[]parallel.ObjectRef]())
	if err != nil {
		t.Fatal(err)
	}
	ref := v.Interface().([]parallel.ObjectRef)[0]
	if err := owner.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = parallel.GetContext(ctx, ref)
	if err == nil || !strings.Contains(err.Error(), "ended its session") {
		t.Errorf("Get of a ref whose owner closed: %v, want an error saying its owner ended", err)
	}
}

// TestLookupType: the types a ref's value can be decoded as.
func TestLookupType(t *testing.T) {
	for name, want := range map[string]reflect.Type{
		"int":                          reflect.TypeFor[int](),
		"[]int":                        reflect.TypeFor[[]int](),
		"map[string][]float64":         reflect.TypeFor[map[string][]float64](),
		"*[3]string":                   reflect.TypeFor[*[3]string](),
		"[]interface {}":               reflect.TypeFor[[]any](),
		"cluster.refBox":               reflect.TypeFor[refBox](), // registered in testRegistry
		"map[int][]parallel.ObjectRef": reflect.TypeFor[map[int][]parallel.ObjectRef](),
	} {
		if got, err := lookupType(name); got != want {
			t.Errorf("lookupType(%q) = %v, %v, want %v", name, got, err, want)
		}
	}
	_, err := lookupType("main.Unseen")
	if err == nil || !strings.Contains(err.Error(), "a type this process has not met") {
		t.Errorf("lookupType of an unknown type: %v", err)
	}
}
