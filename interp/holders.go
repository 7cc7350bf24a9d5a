package interp

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/petermattis/goid"
)

// Who may run interpreted code while a cell compiles. yaegi v0.16.1
// compiles into state that running interpreted code reads (the global
// frame, scopes, type caches), so a compile holds the gate (gate.go)
// exclusively and everything else that runs interpreted code holds it
// shared:
//
//   - ray tasks, between Enter and Exit (session.go);
//   - goroutines of go statements, from their Enter hook to their Done (or
//     Exit) hook, except while they sleep in time.Sleep or wait in ray.Get,
//     GetAll or Wait (released before, taken again after);
//   - interpreted callbacks that warren hands to compiled code which runs
//     them on goroutines of its own: http handlers, time.AfterFunc
//     (callback.go);
//   - an interrupted chunk that did not unwind within interruptGrace
//     (blocked in compiled code such as wg.Wait): it holds the gate until it
//     returns, so no cell compiles while it can still run (evalLocked).
//
// A goroutine can block anywhere — a channel, a mutex, a network read —
// and yaegi has no hook there, so it holds the gate for as long as it
// blocks: one waiting for a value that a later cell would send keeps that
// cell from compiling. The plain channel statements in functions are the
// exception: they wait between hooks that let go and take the gate again
// (park.go). A compile that has waited goLook for goroutines of go
// statements looks at their stacks (runtime.Stack): one blocked in the
// compiled function its go statement called gives up its hold (go
// http.Serve(l, h): no interpreted frame below it, so it runs no
// interpreted code until that function returns, and then its Returned hook
// takes the gate first); so does one that has ended without its hooks
// (not expected: Exit runs even after an interrupt). If goroutines still hold the gate after goWait, the cell fails
// with a CompileBlocked error naming them; it never compiles while they can
// run. An interrupt wakes goroutines blocked in channel operations and
// aborts them. See RELIABILITY.md, "Races".

const (
	goLook = 100 * time.Millisecond // a compile waits this long before looking at goroutine stacks
	goWait = 2 * time.Second        // and fails after this long if goroutines still run
)

// holdGo takes the gate shared for the goroutine of t.
func (s *Session) holdGo(t *goTok) {
	s.gate.RLock()
	s.mu.Lock()
	t.held = true
	s.mu.Unlock()
}

// releaseGo gives up the hold of t's goroutine, if it has one.
func (s *Session) releaseGo(t *goTok) {
	s.mu.Lock()
	held := t.held
	t.held = false
	s.mu.Unlock()
	if held {
		s.gate.RUnlock()
	}
}

// goTokOf returns the token of the calling goroutine if it runs a go
// statement's function.
func (s *Session) goTokOf() *goTok {
	id := goid.Get()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.goToks[id]
}

// raySymbols returns package ray's symbols with Get, GetAll, Wait and their
// Context forms giving up the gate hold of a goroutine of a go statement
// while they wait, as a task's do (a goroutine waiting for tasks runs no
// interpreted code).
func (s *Session) raySymbols(ray map[string]reflect.Value) map[string]reflect.Value {
	out := make(map[string]reflect.Value, len(ray))
	for k, v := range ray {
		out[k] = v
	}
	for _, name := range []string{"Get", "GetAll", "Wait", "GetContext", "GetAllContext", "WaitContext"} {
		fn, ok := ray[name]
		if !ok || fn.Kind() != reflect.Func {
			continue
		}
		call := fn.Call
		if fn.Type().IsVariadic() {
			call = fn.CallSlice
		}
		out[name] = reflect.MakeFunc(fn.Type(), func(args []reflect.Value) []reflect.Value {
			if t := s.goTokOf(); t != nil {
				s.releaseGo(t)
				defer s.holdGo(t)
			}
			return call(args)
		})
	}
	return out
}

// acquireExclusive takes the gate for a compile: it waits for tasks as long
// as ctx lasts, and for goroutines of go statements as described above.
func (s *Session) acquireExclusive(ctx context.Context) error {
	start := time.Now()
	for {
		lctx, cancel := context.WithTimeout(ctx, goLook)
		err := s.gate.Lock(lctx)
		cancel()
		if err == nil {
			s.mu.Lock()
			s.exclusive = true
			s.mu.Unlock()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		running := s.releaseBlocked()
		s.mu.Lock()
		stuck := s.stuck
		s.mu.Unlock()
		if time.Since(start) < goWait || (len(running) == 0 && stuck == nil) {
			continue // tasks are waited for until the cell is interrupted
		}
		return compileBlocked(running, stuck)
	}
}

// compileBlocked is the error of a compile that waited goWait for
// interpreted code that still runs.
func compileBlocked(running []*goTok, stuck *evalRun) *Error {
	var what []string
	if stuck != nil {
		what = append(what, fmt.Sprintf("the interrupted cell[%d] has not stopped: it is blocked in compiled code (wg.Wait, a mutex, I/O, …), and its interpreted code unwinds only when that returns", stuck.cell%maxCellNum))
	}
	type origin struct {
		cell     int
		callback string
	}
	count := map[origin]int{}
	for _, t := range running {
		o := origin{callback: t.callback}
		if t.c != nil {
			o.cell = t.c.n % maxCellNum
		}
		count[o]++
	}
	var origins []origin
	for o := range count {
		origins = append(origins, o)
	}
	sort.Slice(origins, func(i, j int) bool {
		if origins[i].cell != origins[j].cell {
			return origins[i].cell < origins[j].cell
		}
		return origins[i].callback < origins[j].callback
	})
	for _, o := range origins {
		n := "a goroutine"
		if k := count[o]; k > 1 {
			n = strconv.Itoa(k) + " goroutines"
		}
		switch {
		case o.callback != "":
			n += " running " + o.callback
			if o.cell > 0 {
				n += fmt.Sprintf(" of cell[%d]", o.cell)
			}
		case o.cell > 0:
			n += fmt.Sprintf(" started by cell[%d] with a go statement", o.cell)
		default:
			n += " started by a go statement"
		}
		what = append(what, n)
	}
	msg := "the cell was not run: interpreted code is still running (" + strings.Join(what, "; ") + "), and the interpreter cannot compile a cell while it runs"
	hint := "  (a goroutine lets cells compile while it sleeps in time.Sleep, after it returns, while it waits in a plain channel statement in a function (for v := range ch, ch <- v, v := <-ch), or while it is blocked in the compiled function its go statement called (go http.Serve(l, h)); one blocked elsewhere (a select, a mutex, wg.Wait) on what this cell would do never lets it compile: start it in the same cell as its feeder. Kernel → Interrupt stops goroutines waiting on channels; restart the kernel if they do not stop)"
	if stuck != nil && len(running) == 0 {
		hint = "  (wait until that call returns, then run the cell again; restart the kernel if it never returns)"
	}
	return &Error{Name: "CompileBlocked", Value: msg, Traceback: []string{"CompileBlocked: " + msg, hint}}
}

// releaseBlocked looks at the stacks of the goroutines of go statements
// that hold the gate: those that are gone, or blocked in the compiled
// function their go statement called, give up their hold. It returns those
// that still hold it.
func (s *Session) releaseBlocked() []*goTok {
	s.mu.Lock()
	var held []*goTok
	for _, t := range s.goToks {
		if t.held {
			held = append(held, t)
		}
	}
	s.mu.Unlock()
	if len(held) == 0 {
		return nil
	}
	states := goroutineStates()
	var running []*goTok
	for _, t := range held {
		st, alive := states[t.id]
		// Blocked in the compiled function a go statement called: its
		// one interpreted frame is the go statement's own, where only
		// hooks follow. (A callback blocked at that depth goes on with
		// its own interpreted code.)
		if alive && !(t.callback == "" && blockedState(st.state) && st.interpFrames == 1) {
			running = append(running, t)
			continue
		}
		if !alive {
			s.mu.Lock()
			delete(s.goToks, t.id)
			delete(s.goCells, t.id)
			s.mu.Unlock()
		}
		s.releaseGo(t)
	}
	return running
}

// gState is a goroutine's state ("running", "chan receive", …) and the
// number of interpreted function frames (yaegi runCfg calls) on its stack.
type gState struct {
	state        string
	interpFrames int
}

// goroutineStates returns the state of every goroutine by its id, from
// runtime.Stack.
func goroutineStates() map[int64]gState {
	buf := make([]byte, 1<<16)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	states := map[int64]gState{}
	var cur int64 = -1
	for _, l := range bytes.Split(buf, []byte("\n")) {
		// "goroutine 42 [chan receive, 2 minutes]:"
		rest, ok := bytes.CutPrefix(l, []byte("goroutine "))
		if !ok {
			if cur >= 0 && bytes.HasPrefix(l, []byte(runCfgFrame)) {
				st := states[cur]
				st.interpFrames++
				states[cur] = st
			}
			continue
		}
		cur = -1
		id, st, ok := bytes.Cut(rest, []byte(" ["))
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(string(id), 10, 64)
		if err != nil {
			continue
		}
		st, _, _ = bytes.Cut(st, []byte("]"))
		st, _, _ = bytes.Cut(st, []byte(","))
		states[n] = gState{state: string(st)}
		cur = n
	}
	return states
}

// blockedState reports whether a goroutine in state st waits for something
// (a channel, a lock, a timer, I/O) rather than runs.
func blockedState(st string) bool {
	switch st {
	case "running", "runnable", "syscall", "idle", "":
		return false
	}
	return !strings.HasPrefix(st, "GC ") && !strings.HasPrefix(st, "preempted")
}

// evalRun is one EvalWithContext of a chunk; see evalLocked.
type evalRun struct {
	cell     int  // the session's number of the chunk's cell
	finished bool // EvalWithContext returned
	held     bool // it holds the gate shared: interrupted, not yet unwound
}
