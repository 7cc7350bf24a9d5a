package interp

import (
	"fmt"
	"sort"

	"github.com/petermattis/goid"
)

// Threads: the goroutines the debugger knows, reported with DAP `thread`
// events. While a debugger is attached, warren's own hooks report each
// goroutine that runs interpreted code when it starts and when it ends:
//
//   - the goroutine of a statement chunk of a cell ("cell"): from the Begin
//     hook to the end of the chunk (each chunk runs on a goroutine of its own);
//   - the goroutine of a go statement ("goroutine"): from the Enter hook of
//     warren's rewrite (goroutine.go) to its Exit;
//   - the worker goroutine of an interpreted ray task ("ray task"): from the
//     Host Enter at the start of an attempt to the Host Exit at its end (the
//     Exit and Enter around a blocking ray.Get are not an end).
//
// A goroutine started before the debugger was attached is not reported
// (it is listed while it is stopped). With no debugger attached each hook
// costs one atomic load.

// setAttachedLocked records that a debugger is attached or not (d.mu held).
// Detaching forgets the known goroutines and the pending pauses.
func (d *debugState) setAttachedLocked(on bool) {
	d.attached = on
	d.watch.Store(on)
	if !on {
		clear(d.live)
		clear(d.pauseG)
		d.pauseAny.Store(false)
	}
}

// threadStarted reports that goroutine g, which runs interpreted code as
// what ("cell", "goroutine", "ray task"), started.
func (d *debugState) threadStarted(g int64, what string) {
	if !d.watch.Load() {
		return
	}
	d.mu.Lock()
	if !d.attached {
		d.mu.Unlock()
		return
	}
	_, known := d.live[g]
	d.live[g] = what
	d.mu.Unlock()
	if !known {
		d.event("thread", map[string]any{"reason": "started", "threadId": g})
	}
}

// threadStartedHere is threadStarted for the calling goroutine.
func (d *debugState) threadStartedHere(what string) {
	if d.watch.Load() {
		d.threadStarted(goid.Get(), what)
	}
}

// threadExited reports that goroutine g ended (if it was reported started).
func (d *debugState) threadExited(g int64) {
	if !d.watch.Load() {
		return
	}
	d.mu.Lock()
	_, known := d.live[g]
	delete(d.live, g)
	if d.pauseG[g] {
		delete(d.pauseG, g)
		d.pauseAny.Store(len(d.pauseG) > 0)
	}
	d.mu.Unlock()
	if known {
		d.event("thread", map[string]any{"reason": "exited", "threadId": g})
	}
}

// threadExitedHere is threadExited for the calling goroutine.
func (d *debugState) threadExitedHere() {
	if d.watch.Load() {
		d.threadExited(goid.Get())
	}
}

// threads lists the goroutines the debugger knows: those reported started
// and not yet ended, and the stopped ones (DAP threads are goroutines).
func (d *debugState) threads() []map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	what := make(map[int64]string, len(d.live)+len(d.stops))
	for g, w := range d.live {
		what[g] = w
	}
	for g, st := range d.stops {
		what[g] = st.what
	}
	ids := make([]int64, 0, len(what))
	for g := range what {
		ids = append(ids, g)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	out := []map[string]any{}
	for _, g := range ids {
		out = append(out, map[string]any{"id": g, "name": fmt.Sprintf("goroutine %d (%s)", g, what[g])})
	}
	return out
}
