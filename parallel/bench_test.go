package parallel

import (
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// Benchmarks named after Ray's microbenchmarks (release/microbenchmark), each
// paired with a Baseline doing the same work with raw goroutines and
// channels. Task bodies are trivial compiled functions. Run:
//
//	go test -run '^$' -bench . -benchmem ./parallel/

func trivial(x int) int { return x + 1 }

func benchRT(b *testing.B) *Runtime {
	rt := New(TraceCapacity(defaultTraceCapacity))
	b.Cleanup(rt.Shutdown)
	return rt
}

// BenchmarkTasksSync: submit one task and wait for it, repeatedly
// ("single client tasks sync").
func BenchmarkTasksSync(b *testing.B) {
	f := benchRT(b).Remote(trivial)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if Get(f.Remote(i)).(int) != i+1 {
			b.Fatal("wrong")
		}
	}
}

func BenchmarkTasksSyncBaseline(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ch := make(chan int, 1)
		go func(x int) { ch <- trivial(x) }(i)
		if <-ch != i+1 {
			b.Fatal("wrong")
		}
	}
}

const asyncBatch = 1000

// BenchmarkTasksAsync: submit batches of 1000 tasks, then get them all
// ("single client tasks async"); ns/op is per task.
func BenchmarkTasksAsync(b *testing.B) {
	f := benchRT(b).Remote(trivial)
	refs := make([]ObjectRef, asyncBatch)
	b.ReportAllocs()
	for b.Loop() {
		for j := range refs {
			refs[j] = f.Remote(j)
		}
		GetAll(refs...)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*asyncBatch), "ns/task")
}

func BenchmarkTasksAsyncBaseline(b *testing.B) {
	chs := make([]chan int, asyncBatch)
	b.ReportAllocs()
	for b.Loop() {
		for j := range chs {
			ch := make(chan int, 1)
			chs[j] = ch
			go func(x int) { ch <- trivial(x) }(j)
		}
		for _, ch := range chs {
			<-ch
		}
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*asyncBatch), "ns/task")
}

// BenchmarkGet: Get of a ready ref ("single client get calls").
func BenchmarkGet(b *testing.B) {
	benchRT(b)
	ref := Put(42)
	b.ReportAllocs()
	for b.Loop() {
		if Get(ref).(int) != 42 {
			b.Fatal("wrong")
		}
	}
}

func BenchmarkGetBaseline(b *testing.B) {
	type box struct {
		done chan struct{}
		v    any
	}
	x := &box{done: make(chan struct{}), v: 42}
	close(x.done)
	b.ReportAllocs()
	for b.Loop() {
		<-x.done
		if x.v.(int) != 42 {
			b.Fatal("wrong")
		}
	}
}

// BenchmarkPut: store a small value ("single client put calls").
var sinkRef ObjectRef

func BenchmarkPut(b *testing.B) {
	rt := benchRT(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		sinkRef = rt.Put(i)
	}
}

func BenchmarkPutBaseline(b *testing.B) {
	type box struct {
		done chan struct{}
		v    any
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		x := &box{done: make(chan struct{}), v: i}
		close(x.done)
		sinkBox = x
	}
}

var sinkBox any

// BenchmarkWait1k: submit 1000 tasks and Wait for all of them
// ("single client wait 1k refs"); ns/op is per 1000 tasks.
func BenchmarkWait1k(b *testing.B) {
	f := benchRT(b).Remote(trivial)
	refs := make([]ObjectRef, 1000)
	b.ReportAllocs()
	for b.Loop() {
		for j := range refs {
			refs[j] = f.Remote(j)
		}
		if ready, _ := Wait(refs, len(refs), -1); len(ready) != len(refs) {
			b.Fatal("not all ready")
		}
	}
}

func BenchmarkWait1kBaseline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var wg sync.WaitGroup
		chs := make([]chan int, 1000)
		for j := range chs {
			ch := make(chan int, 1)
			chs[j] = ch
			wg.Go(func() { ch <- trivial(j) })
		}
		wg.Wait()
	}
}

// BenchmarkNested: a task submits 10 tasks and gets them (Ray's nested
// tasks); ns/op is per outer task (11 tasks).
func BenchmarkNested(b *testing.B) {
	rt := benchRT(b)
	leaf := rt.Remote(trivial)
	outer := rt.Remote(func() int {
		refs := make([]ObjectRef, 10)
		for j := range refs {
			refs[j] = leaf.Remote(j)
		}
		s := 0
		for _, v := range GetAll(refs...) {
			s += v.(int)
		}
		return s
	})
	b.ReportAllocs()
	for b.Loop() {
		if Get(outer.Remote()).(int) != 55 {
			b.Fatal("wrong")
		}
	}
}

func BenchmarkNestedBaseline(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		out := make(chan int, 1)
		go func() {
			chs := make([]chan int, 10)
			for j := range chs {
				ch := make(chan int, 1)
				chs[j] = ch
				go func() { ch <- trivial(j) }()
			}
			s := 0
			for _, ch := range chs {
				s += <-ch
			}
			out <- s
		}()
		if <-out != 55 {
			b.Fatal("wrong")
		}
	}
}

// BenchmarkWaitLoop runs Ray's "process results as they finish" loop,
// for len(refs) > 0 { _, refs = Wait(refs, 1, -1) }, over n tasks that
// finish one at a time, and reports the peak heap (HeapAlloc sampled every
// 64 calls, minus the heap before the loop) as peak-heap-MB.
//
//	go test -run '^$' -bench WaitLoop -benchtime 1x -count 3 ./parallel/
func BenchmarkWaitLoop(b *testing.B) {
	for _, n := range []int{4000, 8000} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			rt := New(NumCPUs(2), TraceCapacity(0))
			defer rt.Shutdown()
			release := make(chan struct{})
			f := rt.Remote(func() { <-release })
			var peak uint64
			for b.Loop() {
				refs := make([]ObjectRef, n)
				for i := range refs {
					refs[i] = f.Remote()
				}
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				base := ms.HeapAlloc
				for i := 0; len(refs) > 0; i++ {
					release <- struct{}{}
					_, refs = Wait(refs, 1, -1)
					if i%64 == 0 {
						runtime.ReadMemStats(&ms)
						peak = max(peak, ms.HeapAlloc-min(base, ms.HeapAlloc))
					}
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// BenchmarkImmutable measures the copies that make objects immutable: Put
// copies its value into the store, Get copies it out.
//
//	go test -run '^$' -bench Immutable -benchmem -count 5 ./parallel/
func BenchmarkImmutable(b *testing.B) {
	flat := make([]float64, 1<<20) // 8 MiB: one memmove
	m := make(map[string]int, 1000)
	ptrs := make([]*node, 1000)
	for i := range 1000 {
		m[strconv.Itoa(i)] = i
		ptrs[i] = &node{Val: []int{i}}
	}
	for _, c := range []struct {
		name string
		v    any
	}{
		{"Int", 42},
		{"SmallStruct", struct{ A, B int }{1, 2}},
		{"Floats1M", flat},
		{"Map1k", m},
		{"Pointers1k", ptrs},
	} {
		b.Run("Put"+c.name, func(b *testing.B) {
			rt := benchRT(b)
			b.ReportAllocs()
			for b.Loop() {
				sinkRef = rt.Put(c.v)
			}
		})
		b.Run("Get"+c.name, func(b *testing.B) {
			ref := benchRT(b).Put(c.v)
			b.ReportAllocs()
			for b.Loop() {
				sinkBox = Get(ref)
			}
		})
	}
}
