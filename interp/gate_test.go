package interp

import (
	"context"
	"testing"
	"time"
)

// A reader that holds the gate and waits for a second reader, which
// arrives while a writer waits: the writer lets it in once no reader left
// for yieldAfter, and gets the gate after both left (no deadlock).
func TestGateYieldsToReaderAWaiterNeeds(t *testing.T) {
	g := newGate()
	g.RLock() // A
	fed := make(chan struct{})
	locked := make(chan error, 1)
	go func() { locked <- g.Lock(context.Background()) }()
	for {
		g.mu.Lock()
		w := g.waiting
		g.mu.Unlock()
		if w == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	go func() { // B, behind the waiting writer
		g.RLock()
		close(fed)
		g.RUnlock()
	}()
	select {
	case <-fed:
	case <-time.After(30 * time.Second): // a hang guard
		t.Fatal("the second reader never got in: deadlock")
	}
	g.RUnlock() // A is fed and leaves
	if err := <-locked; err != nil {
		t.Fatal(err)
	}
	g.mu.Lock()
	ok := g.writer && g.readers == 0 && !g.yield
	g.mu.Unlock()
	if !ok {
		t.Error("the writer does not hold the gate alone")
	}
	g.Unlock()
}
