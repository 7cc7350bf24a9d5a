// Package interp runs notebook cells with the yaegi Go interpreter: one
// interpreter per Session, cells split into imports, declarations and
// statements, output routed to the cell that produced it, and every failure
// — compile errors, panics, os.Exit, interrupts — reported as one *Error
// while the session lives on. The Session is also the parallel.Host of the
// ray runtime, which cells see as package ray.
//
// How a cell runs: go/scanner cuts it into top-level items, consecutive items
// of one kind form a chunk (imports; func/type/const and plain var
// declarations; statements, including var with initializers), and each
// chunk is one yaegi Eval, in source order. A line directive
// /*line _.go:N*100000+L:C*/ makes yaegi report cell positions (the cell
// number is encoded in the line because yaegi keys imports by file name).
// Statement chunks start with a hook call that ends the compile phase: the
// session holds a gate exclusively while yaegi compiles, and interpreted ray
// tasks and goroutines hold it shared (parallel.Host Enter/Exit,
// holders.go), since yaegi v0.16.1 races when it compiles while interpreted
// code runs.
//
// Source rewrites (go/ast, keeping every line in place) give cells Go 1.22+
// semantics that yaegi v0.16.1 lacks: a loop body that can capture a
// variable (func literal, go statement, &, a method value) runs as a
// function of its own per iteration, with its jumps and returns translated
// (loopvar.go); deferred calls evaluate their function, arguments and
// receiver at the defer statement, and a method value of a value receiver
// copies its receiver (deferargs.go); ranges over integers and functions
// are rewritten (rangetypes.go); go statements stay yaegi's, with the
// function and arguments evaluated first and hooks inside the goroutine
// that route its output to the cell and recover its panic, which fails the
// cell if it is still running (rewrite.go, goroutine.go). Where a rewrite
// needs types, they come from go/types over the whole cell plus the
// declarations of earlier cells kept without bodies (typecheck.go); what
// go/types cannot tell (values of imported packages' types) is left as
// yaegi has it.
//
// Before chunking, a cell's top-level items are ordered by dependency
// (order.go), `main` and `init` are renamed and called as statements
// (mainfunc.go), and forms yaegi lacks are rewritten (builtins.go,
// minmax.go, methodexpr.go, generics.go, typename.go; spelled.go reads
// types from the source). Values of cell types reach compiled fmt, errors and
// context through the session's versions of them (fmtverbs.go,
// usertypes.go), which answer as Go does or fail with an InterpreterLimit
// error.
//
// For cluster workers, the session logs its cells' declarations as written,
// content-addressed, and the Ship hook around every ray.Remote argument
// tells it which function a value is (ship.go, shiprewrite.go): ShipFunc
// names a function and the declarations it needs, Source serves them, and
// LoadFunc, in a worker's session, runs them and returns the function
// (shipload.go). The transport is not this package's: cmd/warren adapts
// these methods to package cluster.
//
// The debugger (debug.go, debugdap.go, debugvars.go, debugthreads.go,
// debugpause.go) serves Jupyter's debug protocol (DebugRequest,
// SetDebugEvents) on yaegi's debugger.
//
// Known limits (yaegi v0.16.1): a type cannot be redefined (a warning says
// so); output written to os.Stdout/os.Stderr goes to the current cell rather
// than the cell that started the goroutine; a range over a value whose type
// warren cannot tell compiles only for slices, arrays, maps, strings and
// channels; recover() in a function deferred inside a loop body that runs as
// a function is rejected. The README's Known limits has the full list.
package interp

import (
	"errors"
	"fmt"
	"log"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/petermattis/goid"
	yaegi "github.com/traefik/yaegi/interp"

	"github.com/warren-go/warren/interp/display"
	"github.com/warren-go/warren/interp/stdgeneric"
	"github.com/warren-go/warren/interp/stdsyms"
	"github.com/warren-go/warren/interp/symbols"
	"github.com/warren-go/warren/parallel"
)

// Options configures a Session. The zero value works.
type Options struct {
	// GoPath is yaegi's GOPATH for interpreting source packages; empty means
	// none (cells import the standard library, ray, display and
	// golang.org/x/net/html).
	GoPath string
	// NoHost keeps the session from installing itself as the ray runtime's
	// host (parallel.SetHost). Tests running several sessions use it.
	NoHost bool
	// NativeDir is the native workspace (%%native cells, %go get); empty
	// means one per kernel build in the user's cache directory.
	NativeDir string
	// DebugDir is where the debugger says cells' source files are (its
	// debugInfo tmpFilePrefix); empty means warren_PID in the temporary
	// directory. A front end keys breakpoints by these paths, so a session
	// that replaces another (after a crash) must use the same DebugDir.
	DebugDir string
}

// Error is the error Execute returns for a failing cell.
type Error struct {
	Name      string   // ename: "CompileError", "panic", "Exit", "KeyboardInterrupt", "TaskError", "InvalidCall", "error", a Go type…
	Value     string   // evalue
	Traceback []string // lines pointing at lines of the cell
}

// Error returns "ename: evalue".
func (e *Error) Error() string { return e.Name + ": " + e.Value }

// A Session is one interpreter and the state of the cells run in it.
// Execute calls are serialized; Complete, Inspect, IsComplete and
// DebugRequest may be called at any time.
type Session struct {
	opts Options
	i    *yaegi.Interpreter
	gate *gate
	in   *stdin // what fmt.Scan and os.Stdin read

	evalMu sync.Mutex // one Execute at a time

	// exiting is set by os.Exit and log.Fatal in a cell and cleared when
	// the next cell starts: deferred calls of interpreted code do not run
	// while it is set, as a Go program's do not after os.Exit (see exit.go).
	exiting atomic.Bool

	mu         sync.Mutex
	cur, last  *cell
	cells      map[string]*cell // by cellID, for late output
	order      []string         // cellIDs, oldest first
	goCells    map[int64]*cell  // goroutines of go statements → their cell
	goToks     map[int64]*goTok // goroutines of go statements → their token (holders.go)
	stuck      *evalRun         // an interrupted chunk still running, holding the gate (holders.go)
	reviveDue  bool             // a stuck chunk returned: revive before the next Eval
	panicLines map[int64][]string
	evalG      int64          // goroutine running the current statement chunk
	ended      bool           // the current statement chunk reached its End hook
	goexited   bool           // the current statement chunk called runtime.Goexit
	started    chan struct{}  // closed when the current chunk's statements start
	empty      *yaegi.Program // run before each chunk: see eval
	frame      frameRefs      // yaegi's global frame, grown by eval
	tracer     func()         // called as each statement chunk begins (TracePositions)
	exclusive  bool           // the session holds the gate exclusively
	abort      chan struct{}  // closed when an interrupt aborts interpreted code
	stopped    bool           // yaegiStop was called since the last EvalWithContext
	evals      int            // EvalWithContext calls so far
	sources    map[string]string
	methods    map[string]methodSig                 // "T.M" → declared method, for method expressions
	generics   map[string]genericSig                // generic functions, for explicit type arguments and genericRename
	varTypes   map[string]string                    // top-level variable → its type, when the source spells it (min, max)
	shapes     atomic.Pointer[map[string]shapeInfo] // struct shapes of types with String or Error: see updateShapes
	imported   map[string]bool                      // importSpec keys
	pkgs       map[string]string                    // local package name → import path
	names      map[string]bool                      // identifiers declared by cells
	syms       map[string]map[string]reflect.Value  // import path → symbols
	stubSrc    stubSet                              // declarations of cells without bodies, for go/types (see noteStubs)
	stdImp     stdImporter                          // real standard-library packages for go/types, when needed
	symGen     int                                  // changes when syms does (native packages bound)
	edit       editState                            // completion and inspection (edittypes.go)
	modules    map[string]bool                      // modules fetched with %go get, for import path completion

	n          atomic.Int64
	taskPanics atomic.Bool // panicLines may hold lines of task goroutines
	stdout     *pipe
	stderr     *pipe
	closed     bool
	native     nativeTier  // native.go
	ship       *shipLog    // declarations and remote functions, for workers (ship.go)
	dbg        *debugState // debug.go
}

var (
	errInterrupted = errors.New("interrupted")
	anyPtrType     = reflect.TypeOf((*any)(nil))
)

// exitPanic unwinds a cell that called os.Exit or log.Fatal.
type exitPanic struct{ msg string }

// interruptPanic unwinds interpreted code sleeping when the cell is interrupted.
type interruptPanic struct{}

// New returns a session with the standard library, ray (auto-imported) and
// display available.
func New(opts Options) (*Session, error) {
	s := &Session{
		opts:       opts,
		gate:       newGate(),
		cells:      map[string]*cell{},
		goCells:    map[int64]*cell{},
		goToks:     map[int64]*goTok{},
		panicLines: map[int64][]string{},
		abort:      make(chan struct{}),
		sources:    map[string]string{},
		methods:    map[string]methodSig{},
		generics:   map[string]genericSig{},
		varTypes:   map[string]string{},
		imported:   map[string]bool{},
		pkgs:       map[string]string{},
		names:      map[string]bool{},
		syms:       map[string]map[string]reflect.Value{},
		stubSrc:    newStubSet(),
	}
	s.dbg = newDebugState(s)
	s.in = &stdin{s: s}
	var err error
	if s.stdout, err = newPipe(s, "stdout"); err != nil {
		return nil, err
	}
	if s.stderr, err = newPipe(s, "stderr"); err != nil {
		s.stdout.close()
		return nil, err
	}
	s.i = yaegi.New(yaegi.Options{
		GoPath: opts.GoPath,
		Stdout: writer{s, "stdout"},
		Stderr: writer{s, "stderr"},
		Stdin:  s.in,
	})
	if err := checkYaegiInternals(s.i); err != nil {
		s.Close()
		return nil, err
	}
	empty, err := s.i.Compile("")
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("interp: compiling the empty program: %w", err)
	}
	s.empty = empty
	std := stdsyms.Exports()
	if err := s.i.Use(std); err != nil {
		s.Close()
		return nil, err
	}
	if err := stdgeneric.Load(s.i); err != nil {
		s.Close()
		return nil, err
	}
	exports := s.exports()
	if err := s.i.Use(exports); err != nil {
		s.Close()
		return nil, err
	}
	for _, ex := range []yaegi.Exports{std, exports} {
		for k, m := range ex {
			// The session's overrides (time.Sleep, fmt, os.Exit, …) join
			// the package's table, as Use merges them.
			if i := strings.LastIndex(k, "/"); i > 0 {
				merged := map[string]reflect.Value{}
				for name, v := range s.syms[k[:i]] {
					merged[name] = v
				}
				for name, v := range m {
					merged[name] = v
				}
				s.syms[k[:i]] = merged
			}
		}
	}
	// The hidden prelude.
	for _, imp := range []importSpec{{goHook, "warrenhook"}, {"", "ray"}} {
		if _, err := s.i.Eval("import " + imp.String()); err != nil {
			s.Close()
			return nil, fmt.Errorf("interp: prelude: %w", err)
		}
		s.imported[imp.key()] = true
		s.pkgs[imp.localName()] = imp.path
	}
	// Statement chunks call begin through an interpreted function: a call
	// of compiled code at the top level would cost each chunk twice the
	// nodes and a slot of yaegi's global frame, kept for the session's life.
	// And slot 0 of that frame is an empty struct no code writes: yaegi's
	// Execute reads it when a chunk ends with a declaration (its value),
	// which raced with goroutines writing whatever variable had slot 0.
	if _, err := s.i.Eval("var " + slot0Var + " struct{}\nfunc " + beginFunc + "() { " + goHook + ".Begin() }\n" + pauseFuncSrc); err != nil {
		s.Close()
		return nil, fmt.Errorf("interp: prelude: %w", err)
	}
	roots, _ := interpRoots(s.i)
	s.dbg.preludeRoot = roots.Len() - 1 // where the pause function is (debugpause.go)
	s.frame, err = globalFrame(s.i)
	if err != nil || len(*s.frame.types) == 0 || (*s.frame.types)[0] != reflect.TypeOf(struct{}{}) {
		s.Close()
		return nil, fmt.Errorf("interp: prelude: %s is not slot 0 of the global frame (%v)", slot0Var, err)
	}
	builtin := map[string]bool{}
	for p := range s.syms {
		builtin[p] = true
	}
	s.ship = newShipLog(builtin)
	s.ship.varOf = s.shipVar
	if !opts.NoHost {
		parallel.SetHost(s)
	}
	return s, nil
}

// exports returns the session's compiled packages and its overrides of
// standard symbols.
func (s *Session) exports() yaegi.Exports {
	ex := yaegi.Exports{}
	for k, v := range symbols.Symbols {
		ex[k] = v
	}
	ex[symbols.RayKey] = s.raySymbols(symbols.Symbols[symbols.RayKey]) // holders.go
	ex["ray/ray"] = ex[symbols.RayKey]

	disp := map[string]reflect.Value{}
	for k, v := range symbols.Symbols[symbols.DisplayKey] {
		disp[k] = v
	}
	disp["Show"] = reflect.ValueOf(s.show)
	disp["ShowID"] = reflect.ValueOf(s.showID)
	disp["Update"] = reflect.ValueOf(s.updateDisplay)
	disp["Clear"] = reflect.ValueOf(s.clearOutput)
	ex["display/display"] = disp
	ex[symbols.DisplayKey] = disp

	ex["warrenhook/warrenhook"] = map[string]reflect.Value{
		"Begin":      reflect.ValueOf(s.begin),
		"End":        reflect.ValueOf(s.end),
		"Value":      reflect.ValueOf(s.value),
		"GoStart":    reflect.ValueOf(s.goStart),
		"Park":       reflect.ValueOf(s.park),
		"DebugHold":  reflect.ValueOf(s.dbg.hold),
		"PauseCheck": reflect.ValueOf(s.dbg.pauseCheck),
		"Paused":     reflect.ValueOf(func() {}),
		"Unpark":     reflect.ValueOf(s.unpark),
		"Bind":       reflect.ValueOf(s.bind),
		"RunDefers":  reflect.ValueOf(s.runDefers),
		"Guard":      reflect.ValueOf(s.guard),
		"Exiting":    reflect.ValueOf(s.exiting.Load),
		"Clear":      reflect.ValueOf(clearValue),
		"Recovered":  reflect.ValueOf(recovered),
		"NilReturn":  reflect.ValueOf(nilReturnHook),
		"IndexError": reflect.ValueOf(indexError),
		"Index":      reflect.ValueOf(indexHook),
		"SliceError": reflect.ValueOf(sliceError),
		"Ship":       reflect.ValueOf(s.shipHook),
	}

	stdoutFile, stderrFile := s.stdout.w, s.stderr.w
	stdinFile := &stdinFile{in: s.in}
	ex["os/os"] = map[string]reflect.Value{
		"Stdin":  reflect.ValueOf(&stdinFile).Elem(),
		"Stdout": reflect.ValueOf(&stdoutFile).Elem(),
		"Stderr": reflect.ValueOf(&stderrFile).Elem(),
		"Exit": reflect.ValueOf(func(code int) {
			s.exiting.Store(true)
			panic(exitPanic{fmt.Sprintf("os.Exit(%d) called", code)})
		}),
	}

	l := log.New(writer{s, "stderr"}, "", log.LstdFlags)
	fatal := func(msg string) {
		l.Output(3, msg)
		s.exiting.Store(true)
		panic(exitPanic{"log.Fatal called: " + strings.TrimSuffix(msg, "\n")})
	}
	ex["log/log"] = map[string]reflect.Value{
		"Fatal":     reflect.ValueOf(func(v ...any) { fatal(fmt.Sprint(v...)) }),
		"Fatalf":    reflect.ValueOf(func(f string, v ...any) { fatal(fmt.Sprintf(f, v...)) }),
		"Fatalln":   reflect.ValueOf(func(v ...any) { fatal(fmt.Sprintln(v...)) }),
		"Flags":     reflect.ValueOf(l.Flags),
		"Output":    reflect.ValueOf(l.Output),
		"Panic":     reflect.ValueOf(l.Panic),
		"Panicf":    reflect.ValueOf(l.Panicf),
		"Panicln":   reflect.ValueOf(l.Panicln),
		"Prefix":    reflect.ValueOf(l.Prefix),
		"Print":     reflect.ValueOf(l.Print),
		"Printf":    reflect.ValueOf(l.Printf),
		"Println":   reflect.ValueOf(l.Println),
		"SetFlags":  reflect.ValueOf(l.SetFlags),
		"SetOutput": reflect.ValueOf(l.SetOutput),
		"SetPrefix": reflect.ValueOf(l.SetPrefix),
		"Writer":    reflect.ValueOf(l.Writer),
		"Default":   reflect.ValueOf(func() *log.Logger { return l }),
	}
	ex["time/time"] = map[string]reflect.Value{"Sleep": reflect.ValueOf(s.sleep), "AfterFunc": reflect.ValueOf(s.afterFunc)}
	ex["runtime/runtime"] = map[string]reflect.Value{"Goexit": reflect.ValueOf(s.goexit)}
	ex["net/http/http"] = s.httpSymbols() // callback.go
	ex["errors/errors"] = s.errorsSymbols()
	for k, v := range minmaxSymbols() {
		ex["warrenhook/warrenhook"][k] = v
	}
	ex["warrenhook/warrenhook"]["TypeName"] = reflect.ValueOf(typeNameValue)
	ex["warrenhook/warrenhook"]["Print"] = reflect.ValueOf(func(a ...any) { s.printBuiltin(false, a...) })
	ex["warrenhook/warrenhook"]["Println"] = reflect.ValueOf(func(a ...any) { s.printBuiltin(true, a...) })
	ex["context/context"] = map[string]reflect.Value{"WithValue": reflect.ValueOf(contextWithValue)}
	fmtSyms, mapTypes := s.fmtExports(ex["log/log"])
	ex[fmtKey] = fmtSyms
	ex["encoding/json/json"] = s.jsonSymbols(mapTypes)
	mapTypes[ex["warrenhook/warrenhook"]["Value"]] = mapTypes[fmtSyms["Println"]] // a cell's value prints as Println would
	ex["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(mapTypes)}
	return ex
}

// sleep is time.Sleep for cells: an interrupt ends it (yaegi cannot).
func (s *Session) sleep(d time.Duration) {
	if d <= 0 {
		return
	}
	s.mu.Lock()
	abort := s.abort
	s.mu.Unlock()
	if _, inTask := parallel.CurrentGroup(); inTask && !s.opts.NoHost {
		// A sleeping task runs no interpreted code: let cells compile.
		s.gate.RUnlock()
		defer s.gate.RLock()
	} else if t := s.goTokOf(); t != nil {
		// Likewise a goroutine of a go statement.
		s.releaseGo(t)
		defer s.holdGo(t)
	}
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-abort:
		t.Stop()
		s.unwindInterrupted()
	}
}

// unwindInterrupted ends the interpreted code of the calling goroutine
// after an interrupt. A goroutine of a go statement ends quietly
// (runtime.Goexit): yaegi runs no interpreted deferred call after an
// interrupt, so the recover of warren's go statement rewrite would not run
// and a panic would end the process. The cell's goroutine and tasks panic
// with interruptPanic, which the cell's run and the ray runtime recover.
func (s *Session) unwindInterrupted() {
	if s.goTokOf() != nil {
		runtime.Goexit()
	}
	panic(interruptPanic{})
}

// show is display.Show for cells: display_data on the caller's cell.
func (s *Session) show(values ...any) {
	c := s.cellFor()
	if c == nil || c.out == nil {
		return
	}
	for _, v := range values {
		c.out.Display(display.BundleOf(v), map[string]any{})
	}
}

// begin runs as the first statement of every statement chunk (beginFunc):
// compilation is over, so interpreted tasks may run again while the cell's
// statements do.
func (s *Session) begin() { s.beginChunk(true) }

// beginHeld begins a simple statement chunk (simple.go) on its goroutine,
// before its statements: as begin, but the exclusive hold on the gate lasts
// until the chunk has run.
func (s *Session) beginHeld() { s.beginChunk(false) }

func (s *Session) beginChunk(release bool) {
	s.mu.Lock()
	tracer := s.tracer
	s.mu.Unlock()
	if tracer != nil {
		tracer() // still under the exclusive hold
	}
	id := goid.Get()
	s.mu.Lock()
	s.evalG = id
	s.ended, s.goexited = false, false
	delete(s.panicLines, id)
	started := s.started
	s.mu.Unlock()
	s.dbg.threadStarted(id, "cell")
	s.dbg.apply()
	if release {
		s.releaseExclusive()
	}
	if started != nil {
		select {
		case <-started:
		default:
			close(started)
		}
	}
}

func (s *Session) releaseExclusive() {
	s.mu.Lock()
	held := s.exclusive
	s.exclusive = false
	s.mu.Unlock()
	if held {
		s.gate.Unlock()
	}
}

// callArgs converts args to the parameter types of t.
func callArgs(t reflect.Type, args []any) ([]reflect.Value, error) {
	n := t.NumIn()
	if (!t.IsVariadic() && len(args) != n) || (t.IsVariadic() && len(args) < n-1) {
		return nil, fmt.Errorf("%d arguments for %v", len(args), t)
	}
	in := make([]reflect.Value, len(args))
	for i, a := range args {
		var pt reflect.Type
		if t.IsVariadic() && i >= n-1 {
			pt = t.In(n - 1).Elem()
		} else {
			pt = t.In(i)
		}
		v := reflect.ValueOf(a)
		switch {
		case !v.IsValid():
			v = reflect.Zero(pt)
		case v.Type().AssignableTo(pt):
		case v.Type().ConvertibleTo(pt):
			v = v.Convert(pt)
		default:
			return nil, fmt.Errorf("cannot use %v as %v", v.Type(), pt)
		}
		in[i] = v
	}
	return in, nil
}

// Group implements parallel.Host: tasks submitted outside any task belong to
// the cell of the submitting goroutine.
func (s *Session) Group() string {
	if c := s.cellFor(); c != nil {
		return c.id
	}
	return ""
}

// Enter implements parallel.Host: interpreted task code runs shared with
// other tasks but never while the session compiles.
func (s *Session) Enter(t parallel.TaskInfo) {
	if s.isNativeTask(t) {
		return
	}
	if s.taskPanics.Load() {
		// Forget positions of a panic the goroutine recovered from earlier.
		id := goid.Get()
		s.mu.Lock()
		delete(s.panicLines, id)
		if len(s.panicLines) == 0 {
			s.taskPanics.Store(false)
		}
		s.mu.Unlock()
	}
	s.gate.RLock()
	if !t.Blocking {
		s.dbg.threadStartedHere("ray task")
	}
}

// Exit implements parallel.Host.
func (s *Session) Exit(t parallel.TaskInfo) {
	if s.isNativeTask(t) {
		return
	}
	if !t.Blocking {
		s.dbg.threadExitedHere()
	}
	s.gate.RUnlock()
}

// Close releases the session's pipes and uninstalls it as the ray host.
func (s *Session) Close() error {
	s.dbg.close() // lets goroutines stopped by the debugger go on
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	if !s.opts.NoHost {
		parallel.SetHost(nil)
	}
	s.closeNative()
	s.dbg.endHold()
	if s.stdout != nil {
		s.stdout.close()
	}
	if s.stderr != nil {
		s.stderr.close()
	}
	return nil
}
