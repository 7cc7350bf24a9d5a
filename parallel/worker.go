package parallel

import (
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"
)

// Tasks run on pooled worker goroutines. A worker keeps its grown stack
// between tasks (a fresh goroutine per task pays for stack growth in
// reflect.Call) and is registered once in running, so finding the task of
// the calling goroutine costs a goroutine-id read (~2 ns) and a map load.

// maxIdleWorkers bounds the parked workers kept by a runtime.
const maxIdleWorkers = 128

// running maps a goroutine id to the worker running on it. It is sharded
// by id; lookups take a read lock on one shard and do not allocate (a
// sync.Map would box the int64 key on every lookup).
var running [64]struct {
	mu sync.RWMutex
	m  map[int64]*worker
	_  [32]byte // keep shards on separate cache lines
}

func lookupWorker(gid int64) *worker {
	s := &running[gid&63]
	s.mu.RLock()
	w := s.m[gid]
	s.mu.RUnlock()
	return w
}

func registerWorker(w *worker) {
	s := &running[w.gid&63]
	s.mu.Lock()
	if s.m == nil {
		s.m = map[int64]*worker{}
	}
	s.m[w.gid] = w
	s.mu.Unlock()
}

func unregisterWorker(w *worker) {
	s := &running[w.gid&63]
	s.mu.Lock()
	delete(s.m, w.gid)
	s.mu.Unlock()
}

type worker struct {
	gid  int64
	cur  atomic.Pointer[task] // task whose code the worker runs
	next *task                // guarded by rt.mu: handed over as the worker finishes
	wake chan *task           // a parked worker receives its next task (nil: exit)
}

// currentTask returns the task run by the calling goroutine, or nil.
func currentTask() *task {
	if w := lookupWorker(goid.Get()); w != nil {
		return w.cur.Load()
	}
	return nil
}

// startLocked runs t, which holds its resources, on a worker: self (the
// worker finishing a task, if any), else a parked worker, else a new one.
func (rt *Runtime) startLocked(t *task, self *worker) {
	if t.act != nil {
		t.lane = t.act.slotLocked()
	} else {
		t.lane = rt.laneLocked()
	}
	t.started = true
	if self != nil && self.next == nil {
		self.next = t
		return
	}
	if n := len(rt.idle); n > 0 {
		w := rt.idle[n-1]
		rt.idle = rt.idle[:n-1]
		w.wake <- t
		return
	}
	go rt.work(t)
}

func (rt *Runtime) work(t *task) {
	w := &worker{gid: goid.Get(), wake: make(chan *task, 1)}
	registerWorker(w)
	defer unregisterWorker(w)
	for t != nil {
		w.cur.Store(t)
		if t.run(w) {
			rt.bodyEnd(t, w)
		}
		w.cur.Store(nil)
		t = rt.nextTask(w)
	}
}

// nextTask returns the worker's next task, parking it until there is one;
// nil tells the worker to exit.
func (rt *Runtime) nextTask(w *worker) *task {
	rt.mu.Lock()
	if t := w.next; t != nil {
		w.next = nil
		rt.mu.Unlock()
		return t
	}
	if rt.closed || len(rt.idle) >= maxIdleWorkers {
		rt.mu.Unlock()
		return nil
	}
	rt.idle = append(rt.idle, w)
	rt.mu.Unlock()
	return <-w.wake
}

// stopIdleLocked makes the parked workers exit.
func (rt *Runtime) stopIdleLocked() {
	for _, w := range rt.idle {
		w.wake <- nil
	}
	rt.idle = nil
}
