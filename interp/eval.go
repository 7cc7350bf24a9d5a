package interp

// Running one chunk: the compile gate's exclusive hold, yaegi's compile and
// run in steps of warren's own (eval), interrupts while a chunk runs, and
// what an error or panic of the chunk becomes.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"runtime/debug"
	"time"

	yaegi "github.com/traefik/yaegi/interp"

	"github.com/warren-go/warren/parallel"
)

// A runKind says what evalLocked runs.
type runKind int

const (
	declRun  runKind = iota // declarations or imports: the exclusive hold lasts the whole evaluation
	beginRun                // statements whose first is the Begin hook, which ends the hold
	heldRun                 // statements of a simple chunk (simple.go): begun before they run, the hold lasts
)

// stmtRun is the runKind of a statement chunk, held or not.
func stmtRun(held bool) runKind {
	if held {
		return heldRun
	}
	return beginRun
}

// holdThrough reports whether a statement chunk runs holding the gate to
// its end, without the Begin hook: a simple chunk, while no debugger is
// attached (a stop at a breakpoint must not hold the gate).
func (s *Session) holdThrough(ch *chunk) bool {
	return ch.simple && !s.dbg.on()
}

// evalLocked evaluates src holding the gate exclusively for the compile
// phase. For statements (beginRun), the chunk's first statement (the Begin
// hook) ends the exclusive hold; otherwise it lasts the whole evaluation.
func (s *Session) evalLocked(ctx context.Context, c *cell, code, src string, kind runKind) (reflect.Value, error) {
	stmts := kind != declRun
	if err := s.acquireExclusive(ctx); err != nil {
		var blocked *Error
		if errors.As(err, &blocked) {
			return reflect.Value{}, blocked
		}
		// Interrupted while interpreted tasks of earlier cells run: stop
		// them all, as an interrupt during a running cell does.
		parallel.CancelGroup(c.id)
		if s.stopAll() {
			s.reviveRun()
		}
		return reflect.Value{}, interruptError("interrupted while waiting for running tasks of earlier cells; interpreted tasks in flight were aborted")
	}
	if err := s.dbg.ensure(); err != nil {
		s.releaseExclusive()
		return reflect.Value{}, &Error{Name: "DebuggerError", Value: err.Error(), Traceback: []string{"DebuggerError: " + err.Error()}}
	}
	s.mu.Lock()
	s.stopped = false // eval below makes a new channel for yaegiStop
	revive := s.reviveDue
	s.reviveDue = false
	s.mu.Unlock()
	if revive {
		s.reviveRun()
	}
	started := make(chan struct{})
	s.mu.Lock()
	s.started = started
	s.evalG = 0
	s.mu.Unlock()

	type result struct {
		v   reflect.Value
		err error
	}
	done := make(chan result, 1)
	run := &evalRun{cell: c.n}
	go func() {
		var r result
		defer func() { // also after runtime.Goexit in the chunk
			s.dbg.threadExitedHere()
			s.mu.Lock()
			run.finished = true
			held := run.held
			if s.stuck == run {
				s.stuck = nil
			}
			if held {
				s.reviveDue = true // the stopped code has returned: see reviveRun
			}
			s.mu.Unlock()
			if held {
				s.gate.RUnlock()
			}
			done <- r
		}()
		s.mu.Lock()
		s.evals++
		s.mu.Unlock()
		r.v, r.err = s.eval(src, kind == heldRun)
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		// Let compilation finish: stopping yaegi mid-compile would leave it
		// compiling in the background.
		finished := false
		select {
		case r = <-done:
			finished = true
		case <-started:
		}
		if !finished {
			parallel.CancelGroup(c.id)
			s.stopAll()
			// Stopped code unwinds at once unless it is blocked in
			// compiled code that ignores the interrupt (wg.Wait, a
			// channel, I/O). Then it holds the gate shared until it
			// returns: no cell compiles while it can still run.
			select {
			case <-done:
				s.reviveRun()
			case <-time.After(interruptGrace):
				s.mu.Lock()
				if !run.finished {
					run.held = true
					s.stuck = run
					s.gate.hold()
				}
				s.mu.Unlock()
			}
			return reflect.Value{}, interruptError("execution interrupted")
		}
	}
	s.releaseExclusive()
	s.mu.Lock()
	g := s.evalG
	s.evalG = 0
	s.mu.Unlock()
	lines := s.takePanicLines(g)
	if r.err == nil {
		if e := s.goexitError(c, code); stmts && e != nil {
			return reflect.Value{}, e
		}
		return r.v, nil
	}
	select {
	case <-started:
	default:
		stmts = false // it failed before any statement ran
	}
	var p yaegi.Panic
	if errors.As(r.err, &p) {
		if !stmts {
			return reflect.Value{}, s.compileError(fmt.Errorf("internal compiler panic: %v", p.Value), c, code)
		}
		if e := debugFrameLimit(p); e != nil {
			return reflect.Value{}, e
		}
		return reflect.Value{}, s.panicError(p.Value, lines, c, code)
	}
	if errors.Is(r.err, context.Canceled) {
		return reflect.Value{}, interruptError("execution interrupted")
	}
	return reflect.Value{}, s.compileError(r.err, c, code)
}

// eval is yaegi's EvalWithContext with a context that never ends, in
// steps of our own:
//   - run the empty program with ExecuteWithContext, which gives yaegiStop
//     a fresh channel to close (EvalWithContext makes one for each chunk);
//   - compile src, then grow the global frame (frameRefs.grow: without it
//     every chunk that adds a top-level slot copies the whole frame);
//   - run it with Execute, after beginHeld for a held chunk.
//
// eval runs on a goroutine of its own (evalLocked's), which
// runtime.Goexit in the chunk may end. A panic inside yaegi's compiler is
// an error, as Eval makes it.
func (s *Session) eval(src string, held bool) (v reflect.Value, err error) {
	if _, err := s.i.ExecuteWithContext(context.Background(), s.empty); err != nil {
		return v, err
	}
	prog, err := func() (p *yaegi.Program, err error) {
		defer func() {
			if r := recover(); r != nil {
				var pc [64]uintptr
				n := runtime.Callers(1, pc[:])
				err = yaegi.Panic{Value: r, Callers: pc[:n], Stack: debug.Stack()}
			}
		}()
		return s.i.Compile(src)
	}()
	if err != nil {
		return v, err
	}
	s.frame.grow()
	if held {
		s.beginHeld() // what the Begin hook does, but the hold lasts
	}
	return s.i.Execute(prog)
}

// goHook is the name under which cells see the session's hook package.
const goHook = "__warren"

// beginFunc is the interpreted function that calls the Begin hook.
const beginFunc = "__warrenBegin"

// slot0Var is the prelude's variable in slot 0 of yaegi's global frame.
const slot0Var = "__warrenSlot0"

// stmtSrc is what yaegi evaluates for a statement chunk of cell n with the
// given (rewritten) text: a call of the Begin hook, which ends the session's
// exclusive hold on the gate once yaegi has compiled the chunk and set up
// its run, then the text at its position. With held (a simple chunk: see
// simple.go), the hold lasts to the chunk's end and there is no call: an
// empty statement makes yaegi read what follows as statements.
func (c *chunk) stmtSrc(n int, text string, held bool) string {
	if held {
		return ";" + c.directive(n) + text
	}
	return beginFunc + "();" + c.directive(n) + text
}
