package parallel

import (
	"errors"
	"testing"
)

// TestIDsUniqueAcrossRuntimes: task and object ids are unique in the
// process, not only within one runtime.
func TestIDsUniqueAcrossRuntimes(t *testing.T) {
	seen := map[uint64]bool{}
	for range 3 {
		rt := newRT(t, NumCPUs(1))
		f := rt.Remote(func() int { return 1 })
		for _, r := range []ObjectRef{f.Remote(), f.Remote(), rt.Put(1), Put(2)} {
			if seen[r.ID()] {
				t.Fatalf("id %d repeats", r.ID())
			}
			seen[r.ID()] = true
			if r.o.producer != nil && seen[r.o.producer.id] {
				t.Fatalf("task id %d repeats", r.o.producer.id)
			}
			if r.o.producer != nil {
				seen[r.o.producer.id] = true
			}
		}
	}
}

// TestNumReturnsZero: as Ray's num_returns=0, the task runs, and Remote
// returns the zero ObjectRef, RemoteN none.
func TestNumReturnsZero(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	ran := make(chan int, 2)
	f := rt.Remote(func(i int) int { ran <- i; return i }).Options(NumReturns(0))
	if r := f.Remote(1); r != (ObjectRef{}) {
		t.Fatalf("Remote = %v, want the zero ObjectRef", r)
	}
	if refs := f.RemoteN(2); refs == nil || len(refs) != 0 {
		t.Fatalf("RemoteN = %#v, want an empty slice", refs)
	}
	if a, b := <-ran, <-ran; a+b != 3 {
		t.Fatalf("tasks ran with %d, %d", a, b)
	}
}

// TestPutObjectRefRefused: as in Ray, Put of an ObjectRef is a misuse;
// refs nested in a value are fine.
func TestPutObjectRefRefused(t *testing.T) {
	rt := newRT(t)
	ref := rt.Put(1)
	if err := mustPanic(t, func() { rt.Put(ref) }); !errors.Is(err, ErrInvalidCall) {
		t.Fatalf("Put(ref) = %v", err)
	}
	nested := rt.Put([]ObjectRef{ref})
	if got := Get(Get(nested).([]ObjectRef)[0]); got != 1 {
		t.Fatalf("nested ref = %v", got)
	}
}
