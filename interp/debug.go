package interp

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/petermattis/goid"
	yaegi "github.com/traefik/yaegi/interp"

	"github.com/warren-go/warren/parallel"
)

// The debugger: Jupyter's debug protocol (the Debug Adapter Protocol
// requests and events that JupyterLab sends in debug_request and expects in
// debug_reply and debug_event) served with yaegi's debugger. debugdap.go
// answers the requests; this file runs the interpreter under yaegi's
// debugger and stops goroutines at breakpoints and steps.
//
// How it runs: the first cell after "attach" starts yaegi's Debug with a
// one-statement program that calls a hook blocking until the session
// closes. While that program is held, yaegi's debugger stays installed (the
// first cell after "disconnect" uninstalls it), and
// every interpreted call — the cell's statements, its functions, ray tasks
// on the scheduler's goroutines, goroutines of go statements — runs through
// yaegi's debug loop, which reports breakpoints and steps to onEvent on the
// goroutine that stops. onEvent blocks that goroutine (releasing its hold
// of the compile gate, as a sleep does) until a continue or step request,
// an interrupt or a disconnect. Threads are Go goroutine ids.
//
// Positions: a cell compiles with line directives that encode its number
// and line (lineBase), so a breakpoint on line L of the cell whose source
// path is P is yaegi's line n*lineBase+L for every cell n that ran with
// that source, in every chunk compiled so far. Breakpoints are (re)applied
// in the Begin hook of a statement chunk, where no other interpreted code
// runs, so a breakpoint set while a cell runs takes effect from that cell's
// next statement chunk.
//
// Threads (debugthreads.go): while attached, warren's hooks report each
// goroutine running a cell's code (a statement chunk's, a go statement's, a
// ray task's) with thread events. Pause (debugpause.go): chunks compiled
// while attached check at the top of function bodies and the end of loop
// bodies whether their goroutine is asked to pause, and if so stop
// themselves at a breakpoint in the prelude's pause function.
//
// What it is not: expressions are not evaluated while stopped (evaluate
// answers variable names), and code compiled while no debugger was
// attached cannot be paused.

// debugState is the debugger of one Session. Its fields are guarded by mu.
type debugState struct {
	s *Session

	mu        sync.Mutex
	emit      func(event []byte) // publishes a DAP event; nil: none
	seq       int                // last seq of a message the adapter sent
	attached  bool               // between attach and disconnect
	ydbg      *yaegi.Debugger    // made at the first cell after the first attach
	installed bool               // ydbg is yaegi's current debugger
	held      chan struct{}      // closed when the hold program may end
	entered   chan struct{}      // closed when the hold program is held
	bps       map[string][]int   // source path → breakpoint lines
	dirty     bool               // breakpoints changed since last applied
	cellPaths map[int]string     // cell number (mod maxCellNum) → source path
	sources   map[string]string  // source path → code
	stops     map[int64]*debugStop
	frames    map[int]*stopFrame // frameId → frame of a stop
	nextFrame int
	nextBP    int                     // last breakpoint id
	refs      []varRef                // variablesReference-1 → what it lists
	flagged   map[unsafe.Pointer]bool // nodes (*node) flagged as breakpoints
	stepCell  *cell                   // the cell running when a step was requested
	stepFrom  map[int64]stepOrigin    // goroutine → where its step started
	dir       string                  // tmpFilePrefix without the separator
	madeDir   bool                    // dir was made by this session

	// Threads and pauses (debugthreads.go, debugpause.go).
	watch    atomic.Bool      // attached: hooks report goroutines
	live     map[int64]string // goroutine → what, for those started while attached
	pauseAny atomic.Bool      // len(pauseG) > 0
	pauseG   map[int64]bool   // goroutines asked to pause
	pauseAt  unsafe.Pointer   // the pause function's flagged node (*node), once found
	// preludeRoot is the index in yaegi's roots of the session's prelude,
	// which declares the pause function (set by New).
	preludeRoot int
}

// debugStop is a goroutine stopped in onEvent.
type debugStop struct {
	g      int64
	reason string
	what   string // "cell", "ray task" or "goroutine"
	frames []*stopFrame
	cmd    chan yaegi.DebugEventReason // how to go on: debugRun or a step
}

// stepOrigin is where a goroutine was stopped when a step was asked for:
// yaegi steps by node, the debugger by line, so a step that stops on the
// same line of the same frame goes on.
type stepOrigin struct{ cellN, line, depth int }

// stopFrame is one call frame of a stopped goroutine.
type stopFrame struct {
	id     int
	name   string
	path   string // the cell's source path ("" if unknown)
	cellN  int    // the cell number, 0 if the position is not in a cell
	line   int    // line in the cell
	col    int
	locals []namedValue
	top    bool // the cell's top level: its variables are globals
}

func newDebugState(s *Session) *debugState {
	d := &debugState{
		s: s, bps: map[string][]int{}, cellPaths: map[int]string{}, sources: map[string]string{},
		stops: map[int64]*debugStop{}, frames: map[int]*stopFrame{}, flagged: map[unsafe.Pointer]bool{}, stepFrom: map[int64]stepOrigin{},
		live: map[int64]string{}, pauseG: map[int64]bool{},
		dir: s.opts.DebugDir,
	}
	if d.dir == "" {
		d.dir = filepath.Join(os.TempDir(), "warren_"+strconv.Itoa(os.Getpid()))
	}
	return d
}

// SetDebugEvents sets the function that publishes the debugger's events
// (DAP event messages as JSON) on iopub. It may be called once before the
// first DebugRequest.
func (s *Session) SetDebugEvents(emit func(event []byte)) {
	s.dbg.mu.Lock()
	s.dbg.emit = emit
	s.dbg.mu.Unlock()
}

// noteCell records the source path of cell c (code as the front end sent
// it), so that breakpoints by path reach it.
func (d *debugState) noteCell(c *cell, code string) {
	path := d.cellPath(code)
	d.mu.Lock()
	defer d.mu.Unlock()
	n := c.n % maxCellNum
	if old, ok := d.cellPaths[n]; ok && len(d.bps[old]) > 0 {
		d.dirty = true
	}
	d.cellPaths[n] = path
	d.sources[path] = code
	if len(d.sources) > 2*maxCellNum {
		// Keep the sources of the cells still numbered (and so reachable
		// from a stack frame).
		kept := make(map[string]string, len(d.cellPaths))
		for _, p := range d.cellPaths {
			kept[p] = d.sources[p]
		}
		d.sources = kept
	}
	if len(d.bps[path]) > 0 {
		d.dirty = true
	}
}

// on reports whether a debugger is attached.
func (d *debugState) on() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.attached
}

// ensure installs yaegi's debugger if the debugger is attached and it is
// not yet; the caller holds the compile gate exclusively.
func (d *debugState) ensure() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch {
	case !d.attached && d.installed:
		// Detached since the last cell: back to yaegi's fast loop.
		for n := range d.flagged {
			yaegiSetBreakOnLine(n, false)
		}
		clear(d.flagged)
		setInterpDebugger(d.s.i, nil)
		d.installed = false
	case d.attached && !d.installed && d.ydbg != nil:
		// Attached again: the debugger of the first attach, whose hold
		// program still runs, is installed again.
		setInterpDebugger(d.s.i, d.ydbg)
		d.installed, d.dirty = true, true
	case d.attached && d.ydbg == nil:
		d.held, d.entered = make(chan struct{}), make(chan struct{})
		entered := d.entered
		d.mu.Unlock()
		prog, err := d.s.i.Compile(goHook + ".DebugHold()")
		var ydbg *yaegi.Debugger
		if err == nil {
			ydbg = d.s.i.Debug(context.Background(), prog, d.onEvent, &yaegi.DebugOptions{GoRoutineStartAt1: true})
			if err = ydbg.Continue(1); err == nil {
				<-entered // the hold program no longer touches the interpreter
			}
		}
		d.mu.Lock()
		if err != nil {
			return fmt.Errorf("debugger: %w", err)
		}
		d.ydbg, d.installed, d.dirty = ydbg, true, true
	}
	return nil
}

// hold is the hook __warren.DebugHold, the whole program that ensure runs
// under yaegi's debugger: it blocks until the session closes.
func (d *debugState) hold() {
	d.mu.Lock()
	entered, held := d.entered, d.held
	d.mu.Unlock()
	if entered == nil {
		return
	}
	close(entered)
	if held != nil {
		<-held
	}
}

// apply sets the breakpoints if they changed. It runs in the Begin hook,
// while no other interpreted code runs. A breakpoint on a line flags the
// first node to run of the outermost node on that line (in source order)
// that has one on the line: for x := f(), the call, not the assignment.
func (d *debugState) apply() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.installed || !d.dirty {
		return
	}
	d.dirty = false
	for n := range d.flagged {
		yaegiSetBreakOnLine(n, false)
	}
	clear(d.flagged)
	if p := d.pauseNode(); p != nil {
		yaegiSetBreakOnLine(p, true)
		d.flagged[p] = true
	}
	lines := map[int]map[int]bool{} // cell number → encoded lines
	for n, p := range d.cellPaths {
		for _, l := range d.bps[p] {
			if lines[n] == nil {
				lines[n] = map[int]bool{}
			}
			lines[n][n*lineBase+l] = true
		}
	}
	roots, fset := interpRoots(d.s.i)
	for i := 0; i < roots.Len(); i++ {
		root := roots.Index(i)
		if root.IsNil() {
			continue
		}
		want := lines[firstCellLine(fset, root)/lineBase]
		if len(want) == 0 {
			continue
		}
		found := map[int]bool{}
		var visit func(n reflect.Value)
		visit = func(n reflect.Value) {
			if n.IsNil() {
				return
			}
			if l := fset.Position(nodePos(n)).Line; want[l] && !found[l] {
				if st := nodeStart(n); !st.IsNil() && fset.Position(nodePos(st)).Line == l {
					p := unsafe.Pointer(st.Pointer())
					yaegiSetBreakOnLine(p, true)
					d.flagged[p] = true
					found[l] = true
				}
			}
			kids := nodeChildren(n)
			for i := 0; i < kids.Len(); i++ {
				visit(kids.Index(i))
			}
		}
		visit(root)
	}
}

// onEvent is yaegi's debug event callback. For a stop (breakpoint, step,
// entry) it runs on the stopping goroutine, which yaegi blocks after it
// returns until the routine's resume channel is sent on.
func (d *debugState) onEvent(e *yaegi.DebugEvent) {
	var reason string
	switch e.Reason() {
	case yaegi.DebugBreak:
		reason = "breakpoint"
	case yaegi.DebugStepInto, yaegi.DebugStepOver, yaegi.DebugStepOut:
		reason = "step"
	case yaegi.DebugEntry, yaegi.DebugPause:
		reason = "entry"
	default:
		return // goroutine entry and exit, termination: nothing stops
	}
	rc, ok := eventRoutine(e)
	if !ok {
		return
	}
	goOn := func() { go func() { rc.resume <- struct{}{} }() } // in the routine's mode
	frames := d.capture(e)
	g := goid.Get()
	paused := false // stopped by a pause request (debugpause.go)
	if len(frames) > 0 && frames[0].name == pauseFunc {
		if reason != "breakpoint" || !d.takePause(g) {
			goOn() // a step through the pause function, or a pause withdrawn
			return
		}
		reason, frames, paused = "pause", frames[1:], true
	}
	resume := func(mode yaegi.DebugEventReason) {
		*rc.mode = mode
		if mode != debugRun {
			*rc.fStep = *rc.fDepth
			if paused {
				*rc.fStep-- // steps count from the caller of the pause function
			}
		}
		go func() { rc.resume <- struct{}{} }()
	}
	d.s.mu.Lock()
	cur := d.s.cur
	abort := d.s.abort
	onCell := g == d.s.evalG
	d.s.mu.Unlock()
	if onCell && (len(frames) == 0 || !frames[len(frames)-1].top) {
		// A function called from the cell's top level: yaegi leaves the
		// caller out of the frames. (None left: the pause function's,
		// dropped, called from the top level.)
		if pos := d.s.i.FileSet().Position(rootNodePos(d.s.i)); pos.Line >= lineBase {
			d.mu.Lock()
			path := d.cellPaths[pos.Line/lineBase]
			d.mu.Unlock()
			frames = append(frames, &stopFrame{name: "cell", top: true, cellN: pos.Line / lineBase, line: pos.Line % lineBase, col: pos.Column, path: path})
		}
	}
	d.mu.Lock()
	stepCell := d.stepCell
	attached := d.attached
	d.mu.Unlock()
	switch {
	case reason == "entry" || !attached:
		resume(debugRun)
		return
	case len(frames) == 0 || frames[0].cellN == 0:
		// Not on a cell line (a hook of warren's rewrites): go on as asked.
		goOn()
		return
	case reason == "step" && stepCell != cur:
		resume(debugRun) // a step left over from a cell that has ended
		return
	}
	if reason == "step" {
		d.mu.Lock()
		o, ok := d.stepFrom[g]
		d.mu.Unlock()
		if ok && o == (stepOrigin{frames[0].cellN, frames[0].line, len(frames)}) {
			goOn() // still on the line the step started from
			return
		}
	}
	_, inTask := parallel.CurrentGroup()
	what := "goroutine"
	if onCell {
		what = "cell"
	} else if inTask {
		what = "ray task"
	}
	st := &debugStop{g: g, reason: reason, what: what, frames: frames, cmd: make(chan yaegi.DebugEventReason, 1)}
	d.mu.Lock()
	for _, f := range frames {
		d.nextFrame++
		f.id = d.nextFrame
		d.frames[f.id] = f
	}
	d.stops[st.g] = st
	d.mu.Unlock()
	d.event("stopped", map[string]any{"reason": reason, "threadId": st.g, "allThreadsStopped": false, "preserveFocusHint": false})

	release, rehold := d.s.releaseHold(inTask && !d.s.opts.NoHost)
	release()
	var mode yaegi.DebugEventReason
	interrupted := false
	select {
	case mode = <-st.cmd:
	case <-abort:
		interrupted = true
	}
	rehold()
	d.mu.Lock()
	delete(d.stops, st.g)
	for _, f := range frames {
		delete(d.frames, f.id)
	}
	delete(d.stepFrom, st.g)
	if mode != debugRun {
		d.stepCell = cur
		d.stepFrom[st.g] = stepOrigin{frames[0].cellN, frames[0].line, len(frames)}
	}
	d.mu.Unlock()
	d.event("continued", map[string]any{"threadId": st.g, "allThreadsContinued": false})
	if interrupted {
		d.s.unwindInterrupted() // as an interrupted sleep does
	}
	resume(mode)
}

// debugFrameLimit is the error of a cell that failed in yaegi's debugger
// because it called a function value (a func literal, a ray.Remote
// function) made while the debugger was off: yaegi's debugger gives
// a call the debug data of the frame the function was made in, and a frame
// made before has none (a nil dereference in enterCall). It is nil for any
// other panic.
func debugFrameLimit(p yaegi.Panic) *Error {
	if _, ok := p.Value.(runtime.Error); !ok || !bytes.Contains(p.Stack, []byte("interp.(*Debugger).enterCall(")) {
		return nil
	}
	msg := "the debugger cannot run a function value (a func literal, a ray.Remote function) made while the debugger was off; run the cell that makes it again with the debugger on"
	return &Error{Name: "DebuggerLimit", Value: msg, Traceback: []string{"DebuggerLimit: " + msg}}
}

// releaseHold returns how a goroutine that is about to block gives up its
// hold of the compile gate and takes it again (see sleep).
func (s *Session) releaseHold(task bool) (release, rehold func()) {
	if task {
		return s.gate.RUnlock, s.gate.RLock
	}
	if t := s.goTokOf(); t != nil {
		return func() { s.releaseGo(t) }, func() { s.holdGo(t) }
	}
	return func() {}, func() {}
}

// capture reads the frames of a stop event (on the stopped goroutine).
func (d *debugState) capture(e *yaegi.DebugEvent) []*stopFrame {
	var out []*stopFrame
	for _, f := range e.Frames(0, e.FrameDepth()) {
		sf := &stopFrame{name: f.Name()}
		pos := f.Position()
		if pos.Line >= lineBase {
			sf.cellN, sf.line, sf.col = pos.Line/lineBase, pos.Line%lineBase, pos.Column
		}
		if sf.name == "<init>" {
			sf.top, sf.name = true, "cell"
		}
		for _, sc := range f.Scopes() {
			for _, v := range sc.Variables() {
				if userName(v.Name) {
					sf.locals = append(sf.locals, namedValue{v.Name, v.Value})
				}
			}
		}
		out = append(out, sf)
	}
	d.mu.Lock()
	for _, sf := range out {
		if sf.cellN > 0 {
			sf.path = d.cellPaths[sf.cellN]
		}
	}
	d.mu.Unlock()
	return out
}

// userName reports whether a variable name is the user's (not one of
// warren's rewrites, which start with "__").
func userName(name string) bool {
	return name != "" && name != "_" && !(len(name) > 1 && name[:2] == "__")
}

// event publishes a DAP event.
func (d *debugState) event(name string, body map[string]any) {
	d.mu.Lock()
	emit := d.emit
	d.seq++
	msg := map[string]any{"seq": d.seq, "type": "event", "event": name, "body": body}
	d.mu.Unlock()
	if emit != nil {
		emit(mustJSON(msg))
	}
}

// resumeAll lets every stopped goroutine run on (disconnect).
func (d *debugState) resumeAll() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, st := range d.stops {
		select {
		case st.cmd <- debugRun:
		default:
		}
	}
}

// close detaches the debugger and lets stopped goroutines go on
// (Session.Close, before it waits for the running cell).
func (d *debugState) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.setAttachedLocked(false)
	for _, st := range d.stops {
		select {
		case st.cmd <- debugRun:
		default:
		}
	}
}

// endHold lets the hold program end and removes the cells' source files
// (Session.Close, once no cell runs).
func (d *debugState) endHold() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.held != nil {
		close(d.held)
		d.held = nil
	}
	if d.madeDir {
		_ = os.RemoveAll(d.dir)
	}
}
