package interp

// Every place where warren reaches into yaegi v0.16.1's unexported
// internals, in one file. Each is checked by checkYaegiInternals, which New
// calls (a session does not start on a yaegi that differs) and
// TestYaegiInternals runs, so an upgrade of yaegi fails loudly here rather
// than quietly elsewhere:
//
//   - (*Interpreter).stop, called through go:linkname (yaegiStop): aborts
//     interpreted code in flight (interrupts);
//   - Interpreter.id, the run id, decremented after an interrupt has
//     unwound (revertRunID; see reviveRun in execute.go);
//   - Interpreter.roots and Interpreter.fset, and node.child, node.start and
//     node.pos, read to map crash reports to cell lines (crashmap.go);
//   - the name of yaegi's interpreter loop, runCfg, in goroutine stacks
//     (crash reports in crashmap.go, goroutine stacks in holders.go);
//   - Interpreter.universe.types, Interpreter.frame.data and
//     Interpreter.frame.mutex: the global frame, grown with spare capacity
//     between compiling and running a chunk (frameRefs.grow).
//   - (*node).setBreakOnLine, called through go:linkname
//     (yaegiSetBreakOnLine): the debugger flags the first node to run of a
//     line's statement (debug.go; yaegi's SetBreakpoints flags the
//     statement node itself, which runs after the calls in it);
//   - Interpreter.debugger, set to nil when the debugger is turned off
//     (debug.go: yaegi leaves its debugger installed until the debugged
//     program ends, and warren's never ends before the session);
//   - Interpreter.frame.debug.node, the node the cell's top level runs
//     (debug.go: the caller frame of a function stopped on the cell's
//     goroutine, which yaegi's DebugEvent.Frames leaves out);
//   - DebugEvent.frame.debug.g, yaegi's debugRoutine of a debug event, and
//     its fields mode, fStep, fDepth and resume (debug.go): the debugger
//     resumes a stopped routine itself, because (*Debugger).Step reads the
//     routine's running flag while the stopped goroutine writes it (a data
//     race in yaegi v0.16.1) and Continue always resets the step mode.

import (
	"fmt"
	"go/token"
	"reflect"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"unsafe" // go:linkname, revertRunID, interpFileSet

	yaegi "github.com/traefik/yaegi/interp"
)

// yaegiModule and yaegiVersion name the yaegi this file is written for.
const (
	yaegiModule  = "github.com/traefik/yaegi"
	yaegiVersion = "v0.16.1"
)

// yaegiStop is yaegi's (*Interpreter).stop, which EvalWithContext calls
// when its context ends: it aborts all interpreted code in flight. Calling it
// directly lets Execute wait until the stopped chunk has unwound before the
// next one runs (EvalWithContext returns while it is still unwinding, and
// the two would race on the interpreter's global frame).
//
//go:linkname yaegiStop github.com/traefik/yaegi/interp.(*Interpreter).stop
func yaegiStop(*yaegi.Interpreter)

// runCfgFrame starts a frame line of yaegi's interpreter loop in a
// goroutine stack (runtime.Stack, a crash report); its first argument is the
// first node of the interpreted function body it runs.
const runCfgFrame = "github.com/traefik/yaegi/interp.runCfg("

// runIDField returns the interpreter's run id (Interpreter.id, a uint64
// that yaegiStop increments and every frame records at its creation).
func runIDField(i *yaegi.Interpreter) (*uint64, error) {
	f := reflect.ValueOf(i).Elem().FieldByName("id")
	if !f.IsValid() || f.Kind() != reflect.Uint64 {
		return nil, fmt.Errorf("yaegi Interpreter has no uint64 field id")
	}
	return (*uint64)(unsafe.Pointer(f.UnsafeAddr())), nil
}

// revertRunID undoes one increment of the run id by yaegiStop.
func revertRunID(i *yaegi.Interpreter) {
	if p, err := runIDField(i); err == nil {
		atomic.AddUint64(p, ^uint64(0))
	}
}

// interpRoots returns the roots of every chunk compiled so far (a slice of
// *node) and the interpreter's file set.
func interpRoots(i *yaegi.Interpreter) (reflect.Value, *token.FileSet) {
	iv := reflect.ValueOf(i).Elem()
	return iv.FieldByName("roots"), (*token.FileSet)(unsafe.Pointer(iv.FieldByName("fset").Pointer()))
}

// nodeChildren returns n's children (n is a non-nil *node).
func nodeChildren(n reflect.Value) reflect.Value { return n.Elem().FieldByName("child") }

// nodeStart returns the first node to run of n's subtree (a *node, maybe nil).
func nodeStart(n reflect.Value) reflect.Value { return n.Elem().FieldByName("start") }

// nodePos returns n's position.
func nodePos(n reflect.Value) token.Pos { return token.Pos(n.Elem().FieldByName("pos").Int()) }

// checkYaegiInternals reports how the yaegi linked in differs from what
// this file reads, or nil.
func checkYaegiInternals(i *yaegi.Interpreter) error {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == yaegiModule {
				v := m.Version
				if m.Replace != nil {
					v = m.Replace.Version
				}
				if v != yaegiVersion {
					return fmt.Errorf("interp: built with %s %s, but interp/yaegiinternals.go reads the internals of %s: check each item there, then update yaegiVersion", yaegiModule, v, yaegiVersion)
				}
			}
		}
	}
	bad := func(what string) error {
		return fmt.Errorf("interp: yaegi %s: %s changed (see interp/yaegiinternals.go)", yaegiVersion, what)
	}
	if _, err := runIDField(i); err != nil {
		return bad("Interpreter.id")
	}
	iv := reflect.ValueOf(i).Elem()
	roots := iv.FieldByName("roots")
	if !roots.IsValid() || roots.Kind() != reflect.Slice || roots.Type().Elem().Kind() != reflect.Pointer {
		return bad("Interpreter.roots")
	}
	if f := iv.FieldByName("fset"); !f.IsValid() || f.Type() != reflect.TypeOf((*token.FileSet)(nil)) {
		return bad("Interpreter.fset")
	}
	node := roots.Type().Elem().Elem()
	if f, ok := node.FieldByName("child"); !ok || f.Type != reflect.SliceOf(roots.Type().Elem()) {
		return bad("node.child")
	}
	if f, ok := node.FieldByName("start"); !ok || f.Type != roots.Type().Elem() {
		return bad("node.start")
	}
	if f, ok := node.FieldByName("pos"); !ok || f.Type != reflect.TypeOf(token.Pos(0)) {
		return bad("node.pos")
	}
	if _, err := globalFrame(i); err != nil {
		return err
	}
	return checkRoutineFields()
}

// frameRefs reaches the interpreter's global frame: its values
// (Interpreter.frame.data), its lock (Interpreter.frame.mutex) and the types
// of its slots (Interpreter.universe.types). yaegi sets the frame and the
// universe scope once, in New, so the pointers stay valid for the
// interpreter's life.
type frameRefs struct {
	data  *[]reflect.Value
	mu    *sync.RWMutex
	types *[]reflect.Type
}

// globalFrame returns the references to i's global frame.
func globalFrame(i *yaegi.Interpreter) (frameRefs, error) {
	bad := func(what string) error {
		return fmt.Errorf("interp: yaegi %s: %s changed (see interp/yaegiinternals.go)", yaegiVersion, what)
	}
	iv := reflect.ValueOf(i).Elem()
	u := iv.FieldByName("universe")
	if !u.IsValid() || u.Kind() != reflect.Pointer || u.IsNil() {
		return frameRefs{}, bad("Interpreter.universe")
	}
	tv := u.Elem().FieldByName("types")
	if !tv.IsValid() || tv.Type() != reflect.TypeOf([]reflect.Type(nil)) {
		return frameRefs{}, bad("scope.types")
	}
	fr := iv.FieldByName("frame")
	if !fr.IsValid() || fr.Kind() != reflect.Pointer || fr.IsNil() {
		return frameRefs{}, bad("Interpreter.frame")
	}
	dv := fr.Elem().FieldByName("data")
	if !dv.IsValid() || dv.Type() != reflect.TypeOf([]reflect.Value(nil)) {
		return frameRefs{}, bad("frame.data")
	}
	mv := fr.Elem().FieldByName("mutex")
	if !mv.IsValid() || mv.Type() != reflect.TypeOf(sync.RWMutex{}) {
		return frameRefs{}, bad("frame.mutex")
	}
	return frameRefs{
		data:  (*[]reflect.Value)(unsafe.Pointer(dv.UnsafeAddr())),
		mu:    (*sync.RWMutex)(unsafe.Pointer(mv.UnsafeAddr())),
		types: (*[]reflect.Type)(unsafe.Pointer(tv.UnsafeAddr())),
	}, nil
}

// grow gives the global frame a slot for each type the last compile
// added, as yaegi's resizeFrame does when a chunk starts to run, but with
// spare capacity: resizeFrame allocates and copies the whole frame for
// every chunk that adds a slot (a top-level variable, a top-level call's
// result), so a session's cells slowed down in proportion to the cells run
// before them. Run between Compile and Execute, while nothing interpreted
// runs (the compile gate is held exclusively); resizeFrame then finds
// nothing to do.
func (f frameRefs) grow() {
	f.mu.Lock()
	defer f.mu.Unlock()
	vals, types := *f.data, *f.types
	b, l := len(vals), len(types)
	if l <= b {
		return
	}
	if l > cap(vals) {
		grown := make([]reflect.Value, b, l+l/2+64)
		copy(grown, vals)
		vals = grown
	}
	vals = vals[:l]
	for j, t := range types[b:] {
		vals[b+j] = reflect.New(t).Elem()
	}
	*f.data = vals
}

// debugRun is yaegi's unexported DebugEventReason for "run until a
// breakpoint" (the zero value, debugger.go's debugRun).
const debugRun yaegi.DebugEventReason = 0

// routineCtl reaches the fields of yaegi's debugRoutine of one stopped
// goroutine. Its pointers are written only by that goroutine (inside the
// debug event callback), and resume is sent on by another goroutine after
// the callback returned: the send orders the writes before the routine's
// next read.
type routineCtl struct {
	mode   *yaegi.DebugEventReason
	fStep  *int
	fDepth *int
	resume chan struct{}
}

// eventRoutine returns the routine of a debug event, or false when the
// event has no frame or the frame no debug data.
func eventRoutine(e *yaegi.DebugEvent) (routineCtl, bool) {
	fr := reflect.ValueOf(e).Elem().FieldByName("frame")
	if !fr.IsValid() || fr.IsNil() {
		return routineCtl{}, false
	}
	dd := fr.Elem().FieldByName("debug")
	if !dd.IsValid() || dd.IsNil() {
		return routineCtl{}, false
	}
	g := dd.Elem().FieldByName("g")
	if !g.IsValid() || g.IsNil() {
		return routineCtl{}, false
	}
	gv := g.Elem()
	addr := func(name string) unsafe.Pointer { return unsafe.Pointer(gv.FieldByName(name).UnsafeAddr()) }
	return routineCtl{
		mode:   (*yaegi.DebugEventReason)(addr("mode")),
		fStep:  (*int)(addr("fStep")),
		fDepth: (*int)(addr("fDepth")),
		resume: *(*chan struct{})(addr("resume")),
	}, true
}

// yaegiSetBreakOnLine is yaegi's (*node).setBreakOnLine: with v, the
// debugger stops before it runs the node n (a *node).
//
//go:linkname yaegiSetBreakOnLine github.com/traefik/yaegi/interp.(*node).setBreakOnLine
func yaegiSetBreakOnLine(n unsafe.Pointer, v bool)

// setInterpDebugger sets the debugger yaegi's interpreter loop runs
// under (nil: none). The caller holds the compile gate exclusively: no
// interpreted code starts a call meanwhile.
func setInterpDebugger(i *yaegi.Interpreter, dbg *yaegi.Debugger) {
	f := reflect.ValueOf(i).Elem().FieldByName("debugger")
	*(**yaegi.Debugger)(unsafe.Pointer(f.UnsafeAddr())) = dbg
}

// interpDebugger is the debugger yaegi's interpreter loop runs under.
func interpDebugger(i *yaegi.Interpreter) *yaegi.Debugger {
	f := reflect.ValueOf(i).Elem().FieldByName("debugger")
	return *(**yaegi.Debugger)(unsafe.Pointer(f.UnsafeAddr()))
}

// rootNodePos is the position of the node the interpreter's global frame
// last ran (the cell's top level), or token.NoPos. Only the goroutine
// running the cell's top level may call it: that goroutine writes it.
func rootNodePos(i *yaegi.Interpreter) token.Pos {
	fr := reflect.ValueOf(i).Elem().FieldByName("frame")
	if fr.IsNil() {
		return token.NoPos
	}
	dd := fr.Elem().FieldByName("debug")
	if dd.IsNil() {
		return token.NoPos
	}
	n := dd.Elem().FieldByName("node")
	if n.IsNil() {
		return token.NoPos
	}
	return nodePos(n)
}

// checkRoutineFields checks the fields eventRoutine reads.
func checkRoutineFields() error {
	bad := func(what string) error {
		return fmt.Errorf("interp: yaegi %s: %s changed (see interp/yaegiinternals.go)", yaegiVersion, what)
	}
	ev := reflect.TypeOf(yaegi.DebugEvent{})
	fr, ok := ev.FieldByName("frame")
	if !ok || fr.Type.Kind() != reflect.Pointer {
		return bad("DebugEvent.frame")
	}
	dd, ok := fr.Type.Elem().FieldByName("debug")
	if !ok || dd.Type.Kind() != reflect.Pointer {
		return bad("frame.debug")
	}
	g, ok := dd.Type.Elem().FieldByName("g")
	if !ok || g.Type.Kind() != reflect.Pointer {
		return bad("frameDebugData.g")
	}
	if m, ok := fr.Type.Elem().FieldByName("debug"); !ok || m.Type.Elem().Name() != "frameDebugData" {
		return bad("frame.debug")
	}
	if f, ok := reflect.TypeOf(yaegi.Interpreter{}).FieldByName("frame"); !ok || f.Type != fr.Type {
		return bad("Interpreter.frame")
	}
	if f, ok := reflect.TypeOf(yaegi.Interpreter{}).FieldByName("debugger"); !ok || f.Type != reflect.TypeOf((*yaegi.Debugger)(nil)) {
		return bad("Interpreter.debugger")
	}
	if n, ok := dd.Type.Elem().FieldByName("node"); !ok || n.Type.Kind() != reflect.Pointer || n.Type.Elem().Name() != "node" {
		return bad("frameDebugData.node")
	}
	rt := g.Type.Elem()
	want := map[string]reflect.Type{
		"mode":   reflect.TypeOf(yaegi.DebugEventReason(0)),
		"fStep":  reflect.TypeOf(0),
		"fDepth": reflect.TypeOf(0),
		"resume": reflect.TypeOf(make(chan struct{})),
	}
	for name, t := range want {
		if f, ok := rt.FieldByName(name); !ok || f.Type != t {
			return bad("debugRoutine." + name)
		}
	}
	return nil
}
