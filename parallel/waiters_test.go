package parallel

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waiterCount returns how many waiters are registered on r's object.
func waiterCount(r ObjectRef) int {
	r.o.mu.Lock()
	defer r.o.mu.Unlock()
	return len(r.o.waiters)
}

// TestWaitersDropped: Wait and GetAllContext unregister from the refs still
// pending when they return, whatever ended them (enough ready, timeout,
// context, a failure), so repeated calls keep memory O(pending refs).
func TestWaitersDropped(t *testing.T) {
	rt := newRT(t, NumCPUs(8)) // room for the blocked tasks and the others
	g := make(gate)
	defer g.open()
	blocked := rt.Remote(func() int { <-g; return 0 })
	quick := rt.Remote(func(i int) int { return i })
	bad := rt.Remote(func() int { panic("boom") })
	var pending []ObjectRef
	for range 6 {
		pending = append(pending, blocked.Remote())
	}
	check := func(what string) {
		t.Helper()
		for i, r := range pending {
			if n := waiterCount(r); n != 0 {
				t.Fatalf("%s: pending ref %d has %d waiters", what, i, n)
			}
		}
	}
	// Polling with a timeout, many times.
	for range 100 {
		if ready, _ := Wait(pending, 1, time.Microsecond); len(ready) != 0 {
			t.Fatalf("ready = %v", ready)
		}
	}
	check("Wait with timeout")
	// Wait that returns because one ref became ready.
	done := quick.Remote(1)
	if ready, _ := Wait(append([]ObjectRef{done}, pending...), 1, -1); len(ready) != 1 || ready[0] != done {
		t.Fatalf("ready = %v", ready)
	}
	check("Wait(1, -1)")
	// Wait ended by its context.
	ctx, cancel := context.WithCancel(t.Context())
	go cancel()
	if _, _, err := WaitContext(ctx, pending, 1, -1); err != nil {
		t.Fatal(err)
	}
	check("WaitContext cancelled")
	// GetAllContext ended by its context, and by a failure (fail fast).
	ctx, cancel = context.WithCancel(t.Context())
	go cancel()
	if _, err := GetAllContext(ctx, pending...); !errors.Is(err, context.Canceled) {
		t.Fatalf("GetAllContext = %v", err)
	}
	check("GetAllContext cancelled")
	if _, err := GetAllContext(t.Context(), append(pending, bad.Remote())...); err == nil {
		t.Fatal("GetAllContext did not fail")
	}
	check("GetAllContext failed")
	// The refs still complete normally afterwards.
	g.open()
	if vs := GetAll(pending...); len(vs) != len(pending) {
		t.Fatalf("GetAll = %v", vs)
	}
}
