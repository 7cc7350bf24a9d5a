package interp

import (
	"context"
	"sync"
	"time"
)

// gate is a readers–writer lock whose readers are goroutines running
// interpreted task code (parallel.Host Enter/Exit) and whose writer is the
// session compiling a chunk. yaegi v0.16.1 mutates shared state (frame sizes,
// scopes, its done channel) while compiling, so no interpreted task may run
// then. A waiting writer blocks new readers, so a stream of short tasks
// cannot starve a cell; Lock gives up when its context ends.
type gate struct {
	mu      sync.Mutex
	readers int
	writer  bool
	waiting int           // writers waiting in Lock
	changed chan struct{} // closed and replaced when a waiter may proceed
}

func newGate() *gate { return &gate{changed: make(chan struct{})} }

// broadcast wakes every waiter. g.mu must be held.
func (g *gate) broadcast() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// RLock takes the gate shared; it blocks while a writer holds or awaits it.
func (g *gate) RLock() {
	g.mu.Lock()
	for g.writer || g.waiting > 0 {
		ch := g.changed
		g.mu.Unlock()
		<-ch
		g.mu.Lock()
	}
	g.readers++
	g.mu.Unlock()
}

// RUnlock releases a shared hold.
func (g *gate) RUnlock() {
	g.mu.Lock()
	g.readers--
	if g.readers < 0 {
		g.mu.Unlock()
		panic("interp: gate: RUnlock without RLock")
	}
	if g.readers == 0 && g.waiting > 0 {
		g.broadcast()
	}
	g.mu.Unlock()
}

// Lock takes the gate exclusively, or returns ctx.Err() if ctx ends first.
func (g *gate) Lock(ctx context.Context) error {
	g.mu.Lock()
	g.waiting++
	for g.writer || g.readers > 0 {
		ch := g.changed
		g.mu.Unlock()
		select {
		case <-ch:
			g.mu.Lock()
		case <-ctx.Done():
			g.mu.Lock()
			g.waiting--
			g.broadcast()
			g.mu.Unlock()
			return ctx.Err()
		}
	}
	g.waiting--
	g.writer = true
	g.mu.Unlock()
	return nil
}

// waitIdle reports whether no reader holds the gate, waiting up to d for
// the readers to leave.
func (g *gate) waitIdle(d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		g.mu.Lock()
		n := g.readers
		g.mu.Unlock()
		if n == 0 {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// Unlock releases the exclusive hold.
func (g *gate) Unlock() {
	g.mu.Lock()
	g.writer = false
	g.broadcast()
	g.mu.Unlock()
}
