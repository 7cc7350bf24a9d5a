package interp

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/petermattis/goid"
)

// Goroutines of cells. A go statement stays yaegi's own (see goEdits); the
// hooks below run inside the new goroutine: Enter routes its output to the
// cell that started it, Done recovers its panic. A panic while that cell
// still runs fails the cell with the panic (and stops the cell, as a
// panicking goroutine ends a Go program); a panic after the cell ended is
// reported on the cell's stderr.

// goTok is one goroutine started by a cell's go statement.
type goTok struct {
	s        *Session
	c        *cell
	id       int64 // the goroutine, set by Enter
	returned bool
	held     bool   // it holds the gate shared (s.mu): see holders.go
	callback string // for a callback run by compiled code (callback.go): what it is
	done     bool   // Done ran (s.mu)
}

// goStart is __warren.GoStart, called at the go statement.
func (s *Session) goStart() *goTok {
	t := &goTok{s: s, c: s.cellFor()}
	if t.c != nil {
		s.mu.Lock()
		t.c.live++
		s.mu.Unlock()
	}
	return t
}

// Enter is called first in the new goroutine: from here on it runs
// interpreted code, so it holds the gate shared (see holders.go).
func (t *goTok) Enter() {
	t.id = goid.Get()
	t.s.mu.Lock()
	t.s.goCells[t.id] = t.c
	t.s.goToks[t.id] = t
	t.s.mu.Unlock()
	t.s.dbg.threadStarted(t.id, "goroutine")
	t.s.holdGo(t)
}

// Returned is called when the goroutine's function returned. A goroutine
// that gave up its hold while blocked in that function (holders.go) takes
// the gate again before it runs interpreted code.
func (t *goTok) Returned() {
	t.returned = true
	t.s.mu.Lock()
	held := t.held
	t.s.mu.Unlock()
	if !held {
		t.s.holdGo(t)
	}
}

// Done is deferred in the goroutine with the value it recovered. A
// goroutine that ends without returning or panicking called
// runtime.Goexit, which ends a goroutine other than main's quietly in Go too.
func (t *goTok) Done(r any) {
	s := t.s
	s.releaseGo(t)
	lines := s.takePanicLines(t.id)
	s.mu.Lock()
	t.done = true
	delete(s.goCells, t.id)
	delete(s.goToks, t.id)
	if t.c != nil && r == nil {
		t.c.live--
	}
	s.mu.Unlock()
	if r == nil || t.c == nil {
		return
	}
	e := s.panicError(r, lines, t.c, "")
	e.Traceback = append([]string{e.Traceback[0], "  in a goroutine started by the cell"}, e.Traceback[1:]...)
	s.goroutineFailed(t.c, e, "goroutine started by the cell failed")
}

// goroutineFailed reports e, the failure of a goroutine started by cell c
// that counted in c.live: while c runs, e fails c and stops it (as the
// failure ends a Go program); after c ended, e is reported on c's stderr,
// after what (a sentence).
func (s *Session) goroutineFailed(c *cell, e *Error, what string) {
	s.mu.Lock()
	running := s.cur == c
	cancel := c.cancel
	if running && c.goErr == nil {
		c.goErr = e
	}
	c.live--
	s.mu.Unlock()
	if running {
		if cancel != nil {
			cancel()
		}
		return
	}
	if c.out == nil {
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s: %s\n", what, e.Name, e.Value)
	for _, l := range e.Traceback[1:] {
		b.WriteString(l + "\n")
	}
	c.out.Stream("stderr", b.String())
}

// Exit is deferred first in the goroutine, as a compiled call: yaegi runs
// it even when an interrupt aborted the goroutine's interpreted code (and
// with it the deferred Done), so the goroutine's hold of the gate always
// ends, after its last interpreted step.
func (t *goTok) Exit() {
	s := t.s
	s.releaseGo(t)
	s.mu.Lock()
	if s.goToks[t.id] == t {
		delete(s.goToks, t.id)
		delete(s.goCells, t.id)
	}
	if !t.done && t.c != nil {
		t.c.live-- // aborted: Done did not run
	}
	t.done = true
	s.mu.Unlock()
	s.dbg.threadExited(t.id)
}

// goGrace is how long a finished cell waits for goroutines it started
// that are still running: a goroutine that panics runs its deferred calls
// first (a `defer wg.Done()` lets the cell's wg.Wait return), and the panic
// should still fail the cell, as it ends a Go program.
const goGrace = 25 * time.Millisecond

// endCell ends the current cell c, whose code returned err: a panic of one
// of its goroutines before this point is the cell's error (it replaces the
// interrupt that stopped the cell for it).
func (s *Session) endCell(c *cell, err error) error {
	for deadline := time.Now().Add(goGrace); ; time.Sleep(time.Millisecond) {
		s.mu.Lock()
		wait := c.live > 0 && c.goErr == nil
		s.mu.Unlock()
		if !wait || time.Now().After(deadline) {
			break
		}
	}
	s.mu.Lock()
	s.last, s.cur = c, nil
	goErr := c.goErr
	s.mu.Unlock()
	if goErr == nil {
		return err
	}
	var e *Error
	if err == nil || (errors.As(err, &e) && e.Name == "KeyboardInterrupt") {
		return goErr
	}
	return err
}

// end is __warren.End, the last statement of the chunk that calls a cell's
// main (and Value that of a chunk with a trailing value); goexitError
// tells from the goexit hook whether a chunk was cut short.
func (s *Session) end() {
	id := goid.Get()
	s.mu.Lock()
	if id == s.evalG {
		s.ended = true
	}
	s.mu.Unlock()
}

// value is __warren.Value: the trailing expression's values.
func (s *Session) value(vs ...any) []any {
	s.end()
	return vs
}

// goexitError reports a statement chunk whose goroutine called
// runtime.Goexit (see goexit).
func (s *Session) goexitError(c *cell, code string) *Error {
	s.mu.Lock()
	ended, goexited := s.ended, s.goexited
	s.mu.Unlock()
	if ended || !goexited {
		return nil // reached the end, or a deferred recover ended a panic
	}
	msg := "runtime.Goexit was called by the cell's code: the rest of the cell did not run"
	e := &Error{Name: "Goexit", Value: msg, Traceback: []string{"Goexit: " + msg}}
	if c.chunkLine == c.chunkEnd {
		e.Traceback = append(e.Traceback, fmt.Sprintf("  in the top-level code of the cell (line %d)", c.chunkLine), "  "+sourceLine(code, c.chunkLine))
	} else {
		e.Traceback = append(e.Traceback, fmt.Sprintf("  in the top-level code of the cell (lines %d-%d)", c.chunkLine, c.chunkEnd))
	}
	return e
}

// goexit is runtime.Goexit for cells: it notes that the statement chunk
// running on this goroutine ends early, then ends the goroutine.
func (s *Session) goexit() {
	id := goid.Get()
	s.mu.Lock()
	if id == s.evalG {
		s.goexited = true
	}
	s.mu.Unlock()
	runtime.Goexit()
}
