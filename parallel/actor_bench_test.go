package parallel

import (
	"sync"
	"testing"
)

// Actor call throughput, after Ray's "1:1 actor calls sync" and "1:1 actor
// calls async" (one caller, one actor, a trivial method), beside plain Go
// doing the same work: a struct protected by a sync.Mutex, called directly,
// and a goroutine owning the struct and serving requests from a channel
// (the shape of an actor in plain Go). Run:
//
//	go test -run '^$' -bench 'Actor' -benchmem ./parallel/

// lockedCounter is the plain Go counterpart of an actor's state.
type lockedCounter struct {
	mu sync.Mutex
	n  int
}

func (c *lockedCounter) incr() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n++
	return c.n
}

// BenchmarkActorCallsSync: submit one call and Get it, repeatedly.
func BenchmarkActorCallsSync(b *testing.B) {
	a := benchRT(b).NewActor(newCounter)
	b.ReportAllocs()
	for i := 1; b.Loop(); i++ {
		if Get(a.Remote(incr)).(int) != i {
			b.Fatal("wrong")
		}
	}
}

// BenchmarkActorCallsAsync: submit batches of 1000 calls, then GetAll them;
// ns/call is per call.
func BenchmarkActorCallsAsync(b *testing.B) {
	a := benchRT(b).NewActor(newCounter)
	refs := make([]ObjectRef, asyncBatch)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for j := range refs {
			refs[j] = a.Remote(incr)
		}
		vs := GetAll(refs...)
		n += asyncBatch
		if vs[asyncBatch-1].(int) != n {
			b.Fatal("wrong")
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*asyncBatch), "ns/call")
}

// BenchmarkActorCallsMutexBaseline: the same calls on a mutex-protected
// struct, made directly by the caller.
func BenchmarkActorCallsMutexBaseline(b *testing.B) {
	var c lockedCounter
	b.ReportAllocs()
	for i := 1; b.Loop(); i++ {
		if c.incr() != i {
			b.Fatal("wrong")
		}
	}
}

// BenchmarkActorCallsChanBaseline: batches of 1000 requests to a goroutine
// that owns the state, each with its own reply channel (as the async
// benchmark has a ref per call); ns/call is per call.
func BenchmarkActorCallsChanBaseline(b *testing.B) {
	reqs := make(chan chan int, asyncBatch)
	go func() {
		n := 0
		for r := range reqs {
			n++
			r <- n
		}
	}()
	defer close(reqs)
	replies := make([]chan int, asyncBatch)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for j := range replies {
			replies[j] = make(chan int, 1)
			reqs <- replies[j]
		}
		last := 0
		for _, r := range replies {
			last = <-r
		}
		n += asyncBatch
		if last != n {
			b.Fatal("wrong")
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*asyncBatch), "ns/call")
}
