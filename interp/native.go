package interp

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"plugin"
	"reflect"
	"regexp"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/warren-go/warren/interp/display"
	"github.com/warren-go/warren/interp/symbols"
	"github.com/warren-go/warren/native"
	"github.com/warren-go/warren/native/cellrt"
	"github.com/warren-go/warren/parallel"
)

// This file is the session's native tier: `%%native` cells built as Go
// plugins by the native package and bound into the interpreter, and
// imports of modules the session does not know, fetched, extracted and
// loaded as plugins (see magic.go for the magics).
//
// Each native cell is its own package (import path
// warren.native/s/<session>/wnat<session>x<K>), built into plugin K and
// bound into the interpreter with a dot import, so its names keep their
// own names in later cells. A package per cell, rather than one growing
// package rebuilt for every cell, keeps package variables' state and type
// identity across cells: a later native cell dot-imports the earlier
// packages whose exported names it uses. The compiler sees each cell
// package as package main (native.BuildOptions.CellPrefix), so its types
// print as main.T, as in `go run`.

// nativePackage is the package clause of native cells' sources, which the
// go command reads (it refuses to import a package main), and the package
// name the interpreter binds them under; the compiler is given "main".
const nativePackage = "native"

// nativeTier is the native state of a session.
type nativeTier struct {
	once sync.Once
	ws   *native.Workspace
	err  error  // why there is no workspace
	sid  string // names this session's packages

	k    int                  // native cells built = plugins loaded (Execute's goroutine)
	defs map[string]nativeDef // name → latest native definition (Execute's goroutine)

	mu   sync.RWMutex
	pkgs map[string]bool      // "wnat…" package names of loaded native cells, for Enter/Exit
	srcs map[string]nativeSrc // "wnat…" package name → its cell, for stack traces

	routed            bool
	oldStdout, oldErr *os.File
	oldLog            io.Writer
	fetched           map[string]bool // import paths loaded from plugins
	shadowed          map[string]bool // native names redeclared by interpreted cells
}

// nativeSrc is the cell a native package was built from.
type nativeSrc struct {
	n    int    // the session's cell number
	code string // its source (the %%native line blanked)
}

// nativeDef is a top-level name declared by a native cell.
type nativeDef struct {
	pkg  string // import path of the cell's package
	kind string // "func", "type", "var", "const", "generic"
	cell int    // the session's cell number
}

// workspace returns the session's native workspace, opening it on first use.
func (s *Session) workspace() (*native.Workspace, error) {
	t := &s.native
	t.once.Do(func() {
		var b [4]byte
		_, _ = rand.Read(b[:])
		t.sid = hex.EncodeToString(b[:])
		t.defs = map[string]nativeDef{}
		t.fetched = map[string]bool{}
		id, err := native.CurrentIdentity()
		if err != nil {
			t.err = err
			return
		}
		t.ws, t.err = native.Open(id, native.Options{Dir: s.opts.NativeDir})
	})
	return t.ws, t.err
}

// nativeError reports a native tier failure as a cell error.
func nativeError(err error) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return interruptError("interrupted while building native code")
	}
	msg := strings.TrimPrefix(err.Error(), "native: ")
	e := &Error{Name: "NativeError", Value: firstLine(msg)}
	lines := strings.Split(msg, "\n")
	e.Traceback = append(e.Traceback, "NativeError: "+lines[0])
	for _, l := range lines[1:] {
		e.Traceback = append(e.Traceback, "  "+l)
	}
	switch {
	case errors.Is(err, native.ErrNoGo):
		e.Traceback = append(e.Traceback, "(native cells and %go get build Go plugins with the go command; interpreted cells still work)")
	case errors.Is(err, native.ErrUnsupported):
		e.Traceback = append(e.Traceback, "(interpreted cells still work)")
	}
	return e
}

// isNativeTask reports whether t runs a function compiled in a native cell:
// such tasks run no interpreted code of their own and need no gate.
func (s *Session) isNativeTask(t parallel.TaskInfo) bool {
	name := t.Function
	if !strings.HasPrefix(name, "wnat") {
		return false
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	s.native.mu.RLock()
	defer s.native.mu.RUnlock()
	return s.native.pkgs[name]
}

// streamWriter writes to a cell's output stream.
type streamWriter struct {
	c    *cell
	name string
}

func (w streamWriter) Write(p []byte) (int, error) {
	if w.c.out != nil {
		w.c.out.Stream(w.name, string(p))
	}
	return len(p), nil
}

// routeNative makes output of compiled code reach cells: os.Stdout and
// os.Stderr become the session's pipes (they go to the current cell, as
// interpreted writes to os.Stdout do) and display.Show shows on the
// caller's cell. Done once, before the first native code runs; Close
// restores them.
func (s *Session) routeNative() {
	t := &s.native
	if t.routed {
		return
	}
	t.routed = true
	t.oldStdout, t.oldErr = os.Stdout, os.Stderr
	os.Stdout, os.Stderr = s.stdout.w, s.stderr.w
	// The standard logger was made with the process's stderr.
	t.oldLog = log.Writer()
	log.SetOutput(s.stderr.w)
	display.SetSink(func(data, md map[string]any) {
		if c := s.cellFor(); c != nil && c.out != nil {
			c.out.Display(data, md)
		}
	})
}

// closeNative undoes routeNative and removes the session's sources.
func (s *Session) closeNative() {
	t := &s.native
	if t.routed {
		if os.Stdout == s.stdout.w {
			os.Stdout = t.oldStdout
		}
		if os.Stderr == s.stderr.w {
			os.Stderr = t.oldErr
		}
		if log.Writer() == io.Writer(s.stderr.w) {
			log.SetOutput(t.oldLog)
		}
		display.SetSink(nil)
		cellrt.ClearHooks(nativeHooks{s})
	}
	if t.ws != nil && t.sid != "" {
		_ = t.ws.RemoveAll("s/" + t.sid)
	}
}

// runNative builds code (a cell whose `%%native` line is blanked) as a
// plugin, binds its names and runs its statements.
func (s *Session) runNative(ctx context.Context, c *cell, code string) (map[string]any, error) {
	ws, err := s.workspace()
	if err != nil {
		return nil, nativeError(err)
	}
	cl, err := native.ParseCell(code)
	if err != nil {
		return nil, s.compileError(mapNativePositions(err), c, code)
	}
	t := &s.native
	progress := streamWriter{c, "stderr"}
	for _, imp := range cl.Imports {
		if needsModule(imp.Path, ws) && !t.fetched[imp.Path] {
			if err := ws.Require(ctx, imp.Path, progress); err != nil {
				return nil, importError(err, imp.Path)
			}
		}
	}
	t.k++
	k := t.k
	pkgName := fmt.Sprintf("wnat%sx%d", t.sid, k)
	rel := "s/" + t.sid + "/" + pkgName
	path := native.ModulePath + "/" + rel
	dot := map[string]native.DotName{}
	replay := s.ship.replaying() // a worker building a shipped cell (shipnative.go)
	for n := range cl.Uses {
		d, ok := t.defs[n]
		if replay != nil {
			d, ok = s.ship.replayDef(replay, n)
		}
		if !ok || cl.Names[n] != "" || !isExported(n) {
			continue
		}
		if cur, ok := dot[d.pkg]; !ok || cur.Kind == "generic" {
			dot[d.pkg] = native.DotName{Name: n, Kind: d.kind}
		}
	}
	files, err := cl.Files(native.Package{
		Name:       nativePackage,
		ImportPath: path,
		Paths:      map[string]string{symbols.RayPath: "github.com/warren-go/warren/parallel", symbols.DisplayPath: "github.com/warren-go/warren/interp/display"},
		Implicit:   map[string]string{"ray": "github.com/warren-go/warren/parallel"},
		Dot:        dot,
	})
	if err != nil {
		return nil, s.compileError(mapNativePositions(err), c, code)
	}
	if _, err := ws.WriteFiles(rel, files); err != nil {
		return nil, nativeError(err)
	}
	mainRel := "s/" + t.sid + "/p" + strconv.Itoa(k)
	if _, err := ws.WriteFiles(mainRel, map[string][]byte{"main.go": native.PluginMain(path)}); err != nil {
		return nil, nativeError(err)
	}
	built := make(chan struct{})
	go func() {
		select {
		case <-built:
		case <-time.After(2 * time.Second):
			fmt.Fprintln(progress, "compiling… (the first native build of a kernel compiles its dependencies for plugins and can take a minute; later cells take well under a second)")
		}
	}()
	so, err := ws.BuildPlugin(ctx, mainRel, native.BuildOptions{CellPrefix: native.ModulePath + "/s/" + t.sid + "/wnat"})
	close(built)
	if err != nil {
		var ce *native.CommandError
		if errors.As(err, &ce) {
			return nil, s.nativeCompileError(ce.Output, c, code)
		}
		return nil, nativeError(err)
	}
	// Registered before loading: package initializers may start tasks,
	// and Enter and Exit must agree on every task of the package.
	t.mu.Lock()
	if t.pkgs == nil {
		t.pkgs = map[string]bool{}
	}
	t.pkgs[pkgName] = true
	if t.srcs == nil {
		t.srcs = map[string]nativeSrc{}
	}
	t.srcs[pkgName] = nativeSrc{n: c.n, code: code}
	t.mu.Unlock()
	s.routeNative() // package initializers run in Load and may print
	s.installHooks()
	var p *plugin.Plugin
	var perr *Error
	func() {
		defer func() {
			if r := recover(); r != nil {
				perr = s.nativePanic(r, debug.Stack(), c, code)
			}
		}()
		p, err = ws.Load(so)
	}()
	if perr != nil {
		return nil, perr
	}
	if err != nil {
		return nil, nativeError(err)
	}
	symv, err1 := p.Lookup("Symbols")
	runv, err2 := p.Lookup("Run")
	syms, ok1 := symv.(*map[string]map[string]reflect.Value)
	run, ok2 := runv.(func())
	if err1 != nil || err2 != nil || !ok1 || !ok2 {
		return nil, nativeError(fmt.Errorf("native cell plugin lacks Symbols or Run (%v, %v)", err1, err2))
	}
	if err := s.use(ctx, *syms); err != nil {
		return nil, err
	}
	c.chunkLine, c.chunkEnd = 1, c.lines
	if _, err := s.evalLocked(ctx, c, code, fmt.Sprintf("import . %q", path), declRun); err != nil {
		return nil, err
	}
	s.mu.Lock()
	for n, kind := range cl.Names {
		t.defs[n] = nativeDef{pkg: path, kind: kind, cell: c.n}
		delete(t.shadowed, n)
		s.names[n] = true
	}
	s.mu.Unlock()
	s.logNative(ctx, ws, c.n, code, cl, path, dot, replay, *syms)
	if replay != nil {
		return nil, nil // its statements ran in the driver
	}
	return nil, s.runNativeStmts(ctx, c, code, run)
}

// use adds syms to the interpreter, holding the gate exclusively.
func (s *Session) use(ctx context.Context, syms map[string]map[string]reflect.Value) error {
	if err := s.acquireExclusive(ctx); err != nil {
		return interruptError("interrupted while waiting for running tasks of earlier cells")
	}
	defer s.releaseExclusive()
	if err := s.i.Use(syms); err != nil {
		return nativeError(err)
	}
	s.mu.Lock()
	for k, m := range syms {
		if i := strings.LastIndex(k, "/"); i > 0 {
			s.syms[k[:i]] = m
		}
	}
	s.symGen++
	s.mu.Unlock()
	return nil
}

// runNativeStmts runs a native cell's statements. Compiled code cannot be
// stopped: an interrupt returns at once and leaves it running. The
// goroutine running them belongs to the cell (native_hooks.go): an exit on
// it fails the cell.
func (s *Session) runNativeStmts(ctx context.Context, c *cell, code string, run func()) error {
	done := make(chan error, 1)
	g := s.nativeGoStart(c)
	go func() {
		returned := false
		defer func() {
			r := recover()
			g.Done(nil, true, nil) // the panic, if any, is the cell's error
			switch {
			case r != nil:
				done <- s.nativePanic(r, debug.Stack(), c, code)
			case !returned:
				msg := "runtime.Goexit was called by the cell's code: the rest of the cell did not run"
				done <- &Error{Name: "Goexit", Value: msg, Traceback: []string{"Goexit: " + msg}}
			default:
				done <- nil
			}
		}()
		g.Enter()
		run()
		returned = true
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		parallel.CancelGroup(c.id)
		return interruptError("execution interrupted; compiled code cannot be stopped, so the native cell's statements keep running in the background until they return")
	}
}

// nativePanic reports a panic in native code, with the frames in native
// cells; code is the source of the cell running.
func (s *Session) nativePanic(r any, stack []byte, c *cell, code string) *Error {
	e := s.panicError(r, nil, c, "")
	e.Traceback = append(e.Traceback, s.nativeFrames(stack, c, code)...)
	return e
}

// nativeCell matches a compiler message about a cell: "cell:3:9: msg".
var nativeCell = regexp.MustCompile(`(?m)^(?:.*/)?` + native.CellFile + `:(\d+)(?::(\d+))?: (.*)$`)

// mapNativePositions turns positions in a native cell into the session's
// encoded positions understood by compileError.
func mapNativePositions(err error) error {
	return errors.New(nativeCell.ReplaceAllString(err.Error(), "line $1:$2: $3"))
}

// nativeCompileError reports the compiler's messages about a native cell,
// with hints for names the cell cannot see.
func (s *Session) nativeCompileError(out string, c *cell, code string) *Error {
	e := &Error{Name: "CompileError"}
	for _, m := range nativeCell.FindAllStringSubmatch(out, -1) {
		l, _ := strconv.Atoi(m[1])
		msg := fmt.Sprintf("line %d:%s: %s", l, m[2], m[3])
		if m[2] == "" {
			msg = fmt.Sprintf("line %d: %s", l, m[3])
		}
		if e.Value == "" {
			e.Value = msg
		}
		e.Traceback = append(e.Traceback, "CompileError: "+msg)
		if src := sourceLine(code, l); src != "" {
			e.Traceback = append(e.Traceback, src)
		}
		if h := s.undefinedHint(m[3]); h != "" {
			e.Traceback = append(e.Traceback, h)
			if e.Value == msg {
				e.Value += " (" + h + ")"
			}
		}
	}
	if e.Value == "" {
		// Messages about generated code (such as a constant too large
		// for an int in the symbol table).
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if strings.HasPrefix(l, "# ") {
				continue
			}
			if e.Value == "" {
				e.Value = l
			}
			e.Traceback = append(e.Traceback, "CompileError: "+l)
		}
	}
	return e
}

// undefinedHint explains an "undefined: X" compile error of a native cell.
func (s *Session) undefinedHint(msg string) string {
	name, ok := strings.CutPrefix(msg, "undefined: ")
	if !ok {
		return ""
	}
	if d, ok := s.native.defs[name]; ok {
		if !isExported(name) {
			return fmt.Sprintf("%s is declared in native cell [%d] but not exported; a native cell sees only the exported names of other native cells: rename it %s", name, d.cell, exportName(name))
		}
		return ""
	}
	s.mu.Lock()
	interp := s.names[name]
	s.mu.Unlock()
	if interp {
		return fmt.Sprintf("%s is defined in an interpreted cell; native code cannot use interpreted definitions: move %s into a %%%%native cell", name, name)
	}
	return ""
}

func isExported(n string) bool {
	for _, r := range n {
		return unicode.IsUpper(r)
	}
	return false
}

func exportName(n string) string {
	for _, r := range n {
		return string(unicode.ToUpper(r)) + n[len(string(r)):]
	}
	return n
}

// needsModule reports whether an import path names a package of a module
// (not the standard library or warren itself).
func needsModule(path string, ws *native.Workspace) bool {
	first, _, _ := strings.Cut(path, "/")
	if !strings.Contains(first, ".") {
		return false
	}
	mp := ws.Identity().MainPath
	return path != mp && !strings.HasPrefix(path, mp+"/") && !strings.HasPrefix(path, native.ModulePath+"/")
}

// importError reports a module that could not be fetched, built or loaded.
func importError(err error, path string) *Error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return interruptError("interrupted while fetching or building " + path)
	}
	var ge *native.GetError
	if errors.As(err, &ge) || errors.As(err, new(*native.CommandError)) {
		msg := strings.TrimPrefix(err.Error(), "native: ")
		e := &Error{Name: "ImportError", Value: firstLine(msg)}
		if ge == nil {
			e.Value = fmt.Sprintf("cannot import %q: %s", path, e.Value)
		}
		e.Traceback = append(e.Traceback, "ImportError: "+e.Value)
		for _, l := range strings.Split(msg, "\n")[1:] {
			e.Traceback = append(e.Traceback, "  "+l)
		}
		return e
	}
	return nativeError(err)
}

// importModules makes the imports of a cell that name packages the session
// does not know importable: each is fetched, extracted and loaded as a
// plugin, with progress shown on the cell.
func (s *Session) importModules(ctx context.Context, c *cell, chunks []*chunk) error {
	var paths []string
	for _, ch := range chunks {
		if ch.kind != kindImport {
			continue
		}
		for _, imp := range ch.imports {
			s.mu.Lock()
			_, known := s.syms[imp.path]
			s.mu.Unlock()
			first, _, _ := strings.Cut(imp.path, "/")
			if !known && strings.Contains(first, ".") {
				paths = append(paths, imp.path)
			}
		}
	}
	if len(paths) == 0 {
		return nil
	}
	ws, err := s.workspace()
	if err != nil {
		return nativeError(fmt.Errorf("cannot import %s: %w", strings.Join(paths, ", "), err))
	}
	sort.Strings(paths)
	progress := streamWriter{c, "stderr"}
	for _, p := range paths {
		if !needsModule(p, ws) {
			continue
		}
		syms, err := ws.ImportPackage(ctx, p, progress)
		if err != nil {
			return importError(err, p)
		}
		if err := s.use(ctx, syms); err != nil {
			return err
		}
		s.native.fetched[p] = true
		s.noteImportModule(ws, p) // for workers: shipnative.go
	}
	return nil
}
