package interp

import (
	"context"
	"sync"
	"time"
)

// gate is a readers–writer lock whose readers are goroutines running
// interpreted code outside the cell's own statements — ray tasks
// (parallel.Host Enter/Exit), goroutines of go statements (goroutine.go),
// interpreted callbacks run by compiled goroutines (callback.go) and an
// interrupted chunk that has not unwound yet — and whose writer is the
// session compiling a chunk. yaegi v0.16.1 mutates shared state (the global
// frame, scopes, type caches) while compiling, so no interpreted code may
// run then.
//
// A waiting writer blocks new readers, so a stream of short tasks cannot
// starve a cell — but only while the readers make progress. A reader that
// holds the gate while it waits for another goroutine that must first take
// the gate (a task receiving from a channel that a task stuck in Enter would
// feed) would otherwise deadlock with the writer: when no reader has left
// for yieldAfter, the waiting writer stops blocking new readers until one
// leaves again. Lock gives up when its context ends.
type gate struct {
	mu      sync.Mutex
	readers int
	writer  bool
	waiting int           // writers waiting in Lock
	yield   bool          // waiting writers let new readers in (no reader left for yieldAfter)
	exits   uint64        // RUnlock calls so far: the readers' progress
	changed chan struct{} // closed and replaced when a waiter may proceed
}

// yieldAfter is how long a waiting writer keeps new readers out while no
// reader leaves.
const yieldAfter = 50 * time.Millisecond

func newGate() *gate { return &gate{changed: make(chan struct{})} }

// broadcast wakes every waiter. g.mu must be held.
func (g *gate) broadcast() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// RLock takes the gate shared; it blocks while a writer holds it, or awaits
// it while the readers make progress.
func (g *gate) RLock() {
	g.mu.Lock()
	for g.writer || (g.waiting > 0 && !g.yield) {
		ch := g.changed
		g.mu.Unlock()
		<-ch
		g.mu.Lock()
	}
	g.readers++
	g.mu.Unlock()
}

// hold takes the gate shared without waiting; the caller knows that no
// writer holds it (the session itself is the only writer, and calls it).
func (g *gate) hold() {
	g.mu.Lock()
	if g.writer {
		g.mu.Unlock()
		panic("interp: gate: hold while the writer holds the gate")
	}
	g.readers++
	g.mu.Unlock()
}

// RUnlock releases a shared hold.
func (g *gate) RUnlock() {
	g.mu.Lock()
	g.readers--
	g.exits++
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
	var tick *time.Ticker
	lastExits := g.exits
	for g.writer || g.readers > 0 {
		if tick == nil {
			tick = time.NewTicker(yieldAfter)
			defer tick.Stop()
		}
		ch := g.changed
		g.mu.Unlock()
		select {
		case <-ch:
			g.mu.Lock()
		case <-tick.C:
			g.mu.Lock()
			// Readers that left since the last tick make progress: keep
			// new ones out. None left: let new ones in, as a held reader
			// may wait for one of them.
			yield := g.exits == lastExits
			lastExits = g.exits
			if yield != g.yield {
				g.yield = yield
				if yield {
					g.broadcast()
				}
			}
		case <-ctx.Done():
			g.mu.Lock()
			g.waiting--
			if g.waiting == 0 {
				g.yield = false
			}
			g.broadcast()
			g.mu.Unlock()
			return ctx.Err()
		}
	}
	g.waiting--
	g.writer = true
	g.yield = false
	g.mu.Unlock()
	return nil
}

// idle reports whether no reader holds the gate.
func (g *gate) idle() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.readers == 0
}

// Unlock releases the exclusive hold.
func (g *gate) Unlock() {
	g.mu.Lock()
	g.writer = false
	g.broadcast()
	g.mu.Unlock()
}
