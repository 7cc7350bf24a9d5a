package parallel

import (
	"errors"
	"io"
	"os"
	"reflect"
	"sync"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// TestObjectsImmutable: the runtime's objects are immutable, as in Ray: a
// value is copied into the store (Remote arguments, Put, task results) and
// out of it (Get, GetAll, refs as arguments).
func TestObjectsImmutable(t *testing.T) {
	rt := newRT(t, NumCPUs(2))

	t.Run("task changes its argument", func(t *testing.T) {
		data := []int{1, 2, 3}
		m := map[string]int{"a": 1}
		f := rt.Remote(func(s []int, m map[string]int) int { s[0] = 100; m["a"] = 100; return len(s) })
		Get(f.Remote(data, m))
		if data[0] != 1 || m["a"] != 1 {
			t.Fatalf("caller's data changed by the task: %v %v", data, m)
		}
	})
	t.Run("change after Put", func(t *testing.T) {
		buf := []int{0}
		var refs []ObjectRef
		for i := 1; i <= 3; i++ {
			buf[0] = i
			refs = append(refs, rt.Put(buf))
		}
		if got := GetAll(refs...); !reflect.DeepEqual(got, []any{[]int{1}, []int{2}, []int{3}}) {
			t.Fatalf("GetAll = %v, want [[1] [2] [3]]", got)
		}
	})
	t.Run("change after Remote", func(t *testing.T) {
		g := make(gate)
		buf := []int{1}
		f := rt.Remote(func(s []int) int { <-g; return s[0] })
		ref := f.Remote(buf)
		buf[0] = 2
		g.open()
		if v := Get(ref); v != 1 {
			t.Fatalf("task saw %v, want the value at submit time 1", v)
		}
	})
	t.Run("Get returns a copy", func(t *testing.T) {
		ref := rt.Put(map[string][]int{"k": {1}})
		a := Get(ref).(map[string][]int)
		a["k"][0] = 99
		a["new"] = nil
		b := GetAll(ref)[0].(map[string][]int)
		if len(b) != 1 || b["k"][0] != 1 {
			t.Fatalf("second Get = %v after changing the first", b)
		}
	})
	t.Run("task keeps changing its result", func(t *testing.T) {
		shared := []int{1}
		g := make(gate)
		f := rt.Remote(func() []int { return shared })
		ref := f.Remote()
		Get(ref)
		shared[0] = 2
		close(g)
		if v := Get(ref).([]int); v[0] != 1 {
			t.Fatalf("result changed after the task returned: %v", v)
		}
	})
	t.Run("two tasks write one map", func(t *testing.T) {
		// Shared, this is a data race (and can be a fatal "concurrent map
		// writes"); -race would report it.
		m := map[int]int{}
		ref := rt.Put(m)
		g := make(gate)
		w := rt.Remote(func(m map[int]int, base int) int {
			<-g
			for i := range 1000 {
				m[base+i] = i
			}
			return len(m)
		})
		r1, r2, r3, r4 := w.Remote(ref, 0), w.Remote(ref, 1000), w.Remote(m, 2000), w.Remote(m, 3000)
		g.open()
		for _, v := range GetAll(r1, r2, r3, r4) {
			if v != 1000 {
				t.Fatalf("a task saw another's writes: len %v", v)
			}
		}
		if len(m) != 0 || len(Get(ref).(map[int]int)) != 0 {
			t.Fatal("the stored map or the caller's map changed")
		}
	})
}

type node struct {
	Val  []int
	Next *node
	Any  any
}

type withLock struct {
	mu sync.Mutex
	M  map[int]int
}

type hidden struct {
	data []float64
	m    map[string]*node
	err  error
	When time.Time
	ptr  *node // unexported pointers are shared
	iptr any
}

// TestCopyRules pins the copy rules of copy.go.
func TestCopyRules(t *testing.T) {
	// Deep through pointers, slices, maps, interfaces; cycles and sharing kept.
	a := &node{Val: []int{1}}
	a.Next = a
	b := &node{Val: []int{2}, Next: a, Any: []any{a, map[string]any{"x": []byte("hi")}}}
	c := copyAny(b).(*node)
	if c == b || c.Next == a || &c.Val[0] == &b.Val[0] {
		t.Fatal("not a deep copy")
	}
	if c.Next.Next != c.Next {
		t.Fatal("cycle not kept")
	}
	inner := c.Any.([]any)
	if inner[0].(*node) != c.Next {
		t.Fatal("sharing inside the value not kept")
	}
	if !reflect.DeepEqual(c, b) {
		t.Fatalf("copy differs: %+v", c)
	}
	inner[1].(map[string]any)["x"].([]byte)[0] = 'H'
	if string(b.Any.([]any)[1].(map[string]any)["x"].([]byte)) != "hi" {
		t.Fatal("nested []byte shared")
	}
	// Arrays of slices, slices of arrays.
	arr := [2][]int{{1}, {2}}
	ca := copyAny(arr).([2][]int)
	ca[0][0] = 9
	if arr[0][0] != 1 {
		t.Fatal("array of slices shared")
	}
	// Unexported fields of a (non-standard-library) type are copied too;
	// errors and standard-library structs are shared.
	shared := &node{}
	h := &hidden{data: []float64{1}, m: map[string]*node{"n": {Val: []int{1}}}, err: io.EOF, When: time.Now(),
		ptr: shared, iptr: shared}
	ch := copyAny(h).(*hidden)
	if ch.ptr != shared || ch.iptr.(*node) != shared {
		t.Fatal("unexported pointers copied")
	}
	ch.data[0] = 2
	ch.m["n"].Val[0] = 2
	if h.data[0] != 1 || h.m["n"].Val[0] != 1 {
		t.Fatal("unexported fields shared")
	}
	if ch.err != io.EOF || !errors.Is(ch.err, io.EOF) || !ch.When.Equal(h.When) || ch.When.Location() != h.When.Location() {
		t.Fatal("error or time.Time not kept as is")
	}
	// A gonum matrix (unexported fields of a third-party type) is copied.
	md := mat.NewDense(2, 2, []float64{1, 2, 3, 4})
	mc := copyAny(md).(*mat.Dense)
	mc.Set(0, 0, 9)
	if md.At(0, 0) != 1 || mc.At(1, 1) != 4 {
		t.Fatalf("*mat.Dense not copied: %v %v", md.RawMatrix().Data, mc.RawMatrix().Data)
	}
	// Shared as they are: funcs, channels, ObjectRefs, *os.File, pointers to
	// structs holding a lock, errors.
	ch1 := make(chan int)
	ref := Put(1)
	l := &withLock{M: map[int]int{}}
	l.mu.Lock() // a value guarded by its lock is meant to be shared
	l.M[1] = 1
	l.mu.Unlock()
	type handles struct {
		C   chan int
		R   ObjectRef
		F   *os.File
		L   *withLock
		E   error
		Fn  func()
		Rfs []ObjectRef
	}
	hv := handles{C: ch1, R: ref, F: os.Stdout, L: l, E: io.EOF, Rfs: []ObjectRef{ref}}
	hc := copyAny(hv).(handles)
	if hc.C != ch1 || hc.R != ref || hc.F != os.Stdout || hc.L != l || hc.E != io.EOF || hc.Rfs[0] != ref {
		t.Fatalf("handles not shared: %+v", hc)
	}
	// Immutable values come back as they are.
	for _, v := range []any{nil, 1, "s", 2.5, true, time.Second, [3]int{1, 2, 3}, struct{ A, B int }{1, 2}} {
		if got := copyAny(v); got != v {
			t.Errorf("copyAny(%v) = %v", v, got)
		}
	}
	// nil slices, maps and pointers stay nil.
	type nils struct {
		S []int
		M map[int]int
		P *int
		I any
	}
	if got := copyAny(nils{}).(nils); got.S != nil || got.M != nil || got.P != nil || got.I != nil {
		t.Fatalf("nils = %+v", got)
	}
}
