package interp

import (
	"context"
	"errors"
	"fmt"
	"go/scanner"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	yaegi "github.com/traefik/yaegi/interp"

	"github.com/petermattis/goid"

	"github.com/warren-go/warren/interp/display"
	"github.com/warren-go/warren/parallel"
)

// Execute runs one cell. cellID is unique per run (the request's msg_id);
// cancelling ctx interrupts the cell. It returns the MIME bundle of the
// cell's trailing expression (nil when the cell ends with a statement or the
// expression has no value) or an *Error. Everything the cell printed before
// Execute returns has been delivered to out by then.
func (s *Session) Execute(ctx context.Context, cellID, code string, out Output) (result map[string]any, err error) {
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	if s.closed {
		return nil, &Error{Name: "Error", Value: "session closed"}
	}
	c := &cell{id: cellID, n: int(s.n.Add(1)), out: out, lines: strings.Count(code, "\n") + 1}
	s.exiting.Store(false)
	ctx, c.cancel = context.WithCancel(ctx)
	defer c.cancel()
	s.mu.Lock()
	s.cur = c
	if _, dup := s.cells[cellID]; !dup {
		s.order = append(s.order, cellID)
	}
	s.cells[cellID] = c
	for len(s.order) > maxCells {
		delete(s.cells, s.order[0])
		s.order = s.order[1:]
	}
	s.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			buf := make([]byte, 8<<10)
			buf = buf[:runtime.Stack(buf, false)]
			result, err = nil, &Error{Name: "InternalError", Value: fmt.Sprint(r),
				Traceback: append([]string{fmt.Sprintf("InternalError: %v", r)}, strings.Split(string(buf), "\n")...)}
		}
		s.releaseExclusive()
		s.stdout.flush()
		s.stderr.flush()
		if err = s.endCell(c, err); err != nil {
			result = nil
		}
	}()

	s.dbg.noteCell(c, code)
	rest, done, err := s.magic(ctx, c, code) // %%native, %go get: magic.go
	if done {
		return nil, err
	}
	code = rest
	chunks, err := splitCellIn(code, c.n, &cellEnv{shadowed: s.declared, method: s.method, known: s, generic: s.generic, varType: s.varType, cellType: s.cellType, basics: s.basics, pauses: s.dbg.on(), funcSig: s.funcSig})
	if err != nil {
		return nil, s.compileError(err, c, code)
	}
	if err := s.nativeChecks(ctx, c, code, chunks); err != nil { // native_check.go
		return nil, err
	}
	s.logLits(c.n, chunks) // ship.go
	for _, ch := range chunks {
		if ch.trailing && !ch.hideValue {
			// Only the calls of the cell's main and init functions may follow.
			if result, err = s.runTrailing(ctx, c, code, ch); err != nil {
				return nil, err
			}
			continue
		}
		if _, err := s.runChunk(ctx, c, code, ch); err != nil {
			return nil, err
		}
	}
	s.noteDocs(code)
	s.warmEditor()
	return result, nil
}

// runTrailing evaluates the chunk that ends the cell with an expression
// whose value is shown: the expression goes through the Value hook, because
// yaegi's own result for a call without results is a stale value from an
// earlier evaluation. Passing such a call to the hook does not compile, and
// then the chunk runs as it is, showing nothing (nothing ran before a compile
// error). Several results (f() returning (int, error)) show as Println would
// print them.
func (s *Session) runTrailing(ctx context.Context, c *cell, code string, ch *chunk) (map[string]any, error) {
	c.chunkLine, c.chunkEnd = ch.line, ch.endLine
	s.warnTypes(c, ch)
	s.logChunk(c.n, ch) // first, as in runChunk
	held := s.holdThrough(ch)
	v, err := s.evalLocked(ctx, c, code, ch.stmtSrc(c.n, ch.valueText, held), stmtRun(held))
	var e *Error
	if errors.As(err, &e) && e.Name == "CompileError" {
		_, err = s.evalLocked(ctx, c, code, ch.stmtSrc(c.n, ch.text, held), stmtRun(held))
	}
	if err != nil {
		return nil, err
	}
	s.declare(ch)
	if !v.IsValid() || !v.CanInterface() {
		return nil, nil
	}
	vs, _ := v.Interface().([]any)
	for _, x := range vs {
		if _, wrapped := unwrapCell(x); !wrapped {
			if name := s.hiddenMethods(reflect.ValueOf(x)); name != "" {
				msg := "the cell's value holds " + name + " whose String or Error method compiled code cannot call: print it yourself (fmt.Println(x.String())), or run the code in a %%native cell"
				return nil, &Error{Name: "InterpreterLimit", Value: msg, Traceback: []string{"InterpreterLimit: " + msg}}
			}
		}
	}
	switch len(vs) {
	case 0:
		return nil, nil
	case 1:
		if vs[0] == nil {
			return map[string]any{"text/plain": "<nil>"}, nil
		}
		return bundle(reflect.ValueOf(vs[0])), nil
	}
	return map[string]any{"text/plain": strings.TrimSuffix(fmt.Sprintln(vs...), "\n")}, nil
}

// bundle renders a cell's value: its MIMEBundle when it has one, otherwise
// text/plain in %v form (strings quoted as by %q).
func bundle(v reflect.Value) map[string]any {
	if !v.IsValid() || v.Type() == anyPtrType {
		return nil
	}
	if !v.CanInterface() {
		return map[string]any{"text/plain": fmt.Sprint(v)}
	}
	x := v.Interface()
	if _, ok := x.(display.Bundler); ok {
		return display.BundleOf(x)
	}
	if str, ok := x.(string); ok {
		return map[string]any{"text/plain": strconv.Quote(str)}
	}
	return map[string]any{"text/plain": fmt.Sprintf("%v", x)}
}

func (s *Session) runChunk(ctx context.Context, c *cell, code string, ch *chunk) (reflect.Value, error) {
	c.chunkLine, c.chunkEnd = ch.line, ch.endLine
	switch ch.kind {
	case kindImport:
		fresh, err := s.freshImports(ch.imports)
		if err != nil {
			return reflect.Value{}, err
		}
		if len(fresh) == 0 {
			return reflect.Value{}, nil
		}
		var b strings.Builder
		b.WriteString(ch.directive(c.n) + "import (")
		for _, imp := range fresh {
			b.WriteString(imp.String() + ";")
		}
		b.WriteString(")")
		if _, err := s.evalLocked(ctx, c, code, b.String(), declRun); err != nil {
			return reflect.Value{}, err
		}
		s.mu.Lock()
		for _, imp := range fresh {
			s.imported[imp.key()] = true
			s.pkgs[imp.localName()] = imp.path
		}
		s.mu.Unlock()
		s.logChunk(c.n, ch)
		return reflect.Value{}, nil
	case kindDecl:
		s.warnTypes(c, ch)
		v, err := s.evalLocked(ctx, c, code, ch.directive(c.n)+ch.text, declRun)
		if err == nil {
			s.declare(ch)
			s.logChunk(c.n, ch)
		}
		return v, err
	default:
		s.warnTypes(c, ch)
		// Logged first: a function literal of the chunk may use a variable
		// it declares (cnt := ray.Remote(count)) and be shipped before the
		// chunk ends.
		s.logChunk(c.n, ch)
		held := s.holdThrough(ch)
		v, err := s.evalLocked(ctx, c, code, ch.stmtSrc(c.n, ch.text, held), stmtRun(held))
		if err == nil {
			s.declare(ch)
		}
		return v, err
	}
}

func (s *Session) declare(ch *chunk) {
	s.noteStubs(ch)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.edit.stubGen++ // the stubs may have changed (see stubPackage)
	for _, n := range ch.names {
		if _, ok := ch.varTypes[n+"()"]; !ok {
			delete(s.varTypes, n+"()") // no longer a function of the cells
		}
	}
	for n, t := range ch.varTypes {
		if _, kept := s.varTypes[n]; kept && (strings.HasSuffix(n, "{}") || strings.HasSuffix(n, ")") && strings.Contains(n, ".")) {
			continue // yaegi keeps a type's first definition and its methods
		}
		if t == "" {
			delete(s.varTypes, n)
		} else {
			s.varTypes[n] = t
		}
	}
	for k, sig := range ch.generics {
		s.generics[k] = sig
	}
	for k, sig := range ch.methods {
		s.methods[k] = sig
	}
	for _, n := range ch.names {
		s.names[n] = true
	}
	for n, src := range ch.types {
		if _, ok := s.sources[n]; !ok {
			s.sources[n] = src
		}
	}
	if len(ch.types) > 0 || len(ch.methods) > 0 {
		s.updateShapes()
	}
}

// warnTypes warns when a chunk redeclares a type with a different shape:
// yaegi silently keeps the first one.
func (s *Session) warnTypes(c *cell, ch *chunk) {
	for n, src := range ch.types {
		s.mu.Lock()
		old, ok := s.sources[n]
		s.mu.Unlock()
		if ok && old != src && c.out != nil {
			c.out.Stream("stderr", fmt.Sprintf(
				"warning: type %s is already defined as %s; the interpreter cannot change a type, so it keeps that definition and ignores %s (restart the kernel to change it)\n",
				n, old, src))
		}
	}
}

// posRE matches a position in a cell as encoded by the line directives
// (see lineBase): "_.go:300004:5" is line 4, column 5 of cell 3.
var posRE = regexp.MustCompile(`(?:_\.go:)?(\d{6,}):(\d+)`)

// mapPositions rewrites encoded positions to "line L:C" for the cell c, and
// to "cell[N] line L:C" for other cells. It returns the first line of c it
// mentions (0 if none).
func mapPositions(msg string, c *cell) (string, int) {
	first := 0
	out := posRE.ReplaceAllStringFunc(msg, func(m string) string {
		sm := posRE.FindStringSubmatch(m)
		enc, _ := strconv.Atoi(sm[1])
		n, l := enc/lineBase, enc%lineBase
		col := sm[2]
		if c != nil && n == c.n%maxCellNum {
			if c.lines > 0 && l > c.lines {
				l, col = c.lines, "end" // past the cell: the parser's closing wrapper
			}
			if first == 0 {
				first = l
			}
			return "line " + strconv.Itoa(l) + ":" + col
		}
		return "cell[" + strconv.Itoa(n) + "] line " + strconv.Itoa(l) + ":" + col
	})
	return strings.ReplaceAll(out, "_.go:", ""), first
}

// sourceLine returns "  L | text" for line l of code.
func sourceLine(code string, l int) string {
	lines := strings.Split(code, "\n")
	if l < 1 || l > len(lines) {
		return ""
	}
	return fmt.Sprintf("  %d | %s", l, strings.TrimRight(lines[l-1], "\r"))
}

func (s *Session) compileError(err error, c *cell, code string) *Error {
	var msgs []string
	var list scanner.ErrorList
	if errors.As(err, &list) {
		for _, e := range list {
			msgs = append(msgs, e.Error())
		}
	} else {
		msgs = strings.Split(strings.TrimSpace(err.Error()), "\n")
	}
	e := &Error{Name: "CompileError"}
	defer func() {
		if hint := builtinHint(e.Value); hint != "" {
			e.Traceback = append(e.Traceback, hint)
		}
		// yaegi's own failures: the error names the limit and what to do,
		// with yaegi's text in brackets.
		limit := func(hint string) {
			e.Traceback = append(e.Traceback, hint)
			if e.Name == "CompileError" {
				e.Name = "InterpreterLimit"
				e.Value = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(hint), "("), ")") + " [interpreter: " + firstLine(e.Value) + "]"
			}
		}
		const topHint = "(the interpreter cannot compile this at a cell's top level. A generic call that defines a variable (x := F(…), var x = F(…)) works when the variable is declared with its type first: var x T; x = F(…) — or inside a function)"
		switch {
		case strings.Contains(e.Value, "internal compiler panic"):
			limit(topHint)
		case strings.Contains(e.Value, "constant definition loop"):
			// Also what yaegi says of an undefined name: a hint only.
			e.Traceback = append(e.Traceback, topHint)
		}
		if strings.Contains(e.Value, "nil type") && strings.Contains(code, "range") {
			e.Traceback = append(e.Traceback, rangeHint)
		}
		if i := strings.Index(e.Value, "type not found: "); i >= 0 && strings.Contains(e.Value[i:], "[") {
			limit(genericConvHint)
		}
	}()
	for i, m := range msgs {
		m, l := mapPositions(userText(m), c)
		if i == 0 {
			e.Value = m
		}
		e.Traceback = append(e.Traceback, "CompileError: "+m)
		if src := sourceLine(code, l); src != "" {
			e.Traceback = append(e.Traceback, src)
		}
	}
	return e
}

// errorName names a panicking error value for the ename: ray misuse (a bad
// argument, an infeasible request) is "InvalidCall" like Ray's TypeError;
// errors made by errors.New, fmt.Errorf or errors.Join, whose concrete types
// are unexported plumbing, are "error"; any other error is named by its Go type.
func errorName(err error) string {
	if errors.Is(err, parallel.ErrInvalidCall) {
		return "InvalidCall"
	}
	var ute *userTypeError
	if errors.As(err, &ute) {
		return "InterpreterLimit"
	}
	switch name := fmt.Sprintf("%T", err); name {
	case "*errors.errorString", "*fmt.wrapError", "*fmt.wrapErrors", "*errors.joinError":
		return "error"
	default:
		return name
	}
}

// frameRE parses a yaegi panic line: "cell3:6:5: panic: main.h(...)".
var frameRE = regexp.MustCompile(`^(.*?): panic: (.*)\(\.\.\.\)$`)

// panicError reports a panic with value r; lines are yaegi's panic
// positions, innermost first.
func (s *Session) panicError(r any, lines []string, c *cell, code string) *Error {
	e := &Error{}
	if rv, ok := r.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		r = rv.Interface() // yaegi wraps interpreted panic values
	}
	switch v := r.(type) {
	case exitPanic:
		e.Name, e.Value = "Exit", v.msg
	case interruptPanic:
		return interruptError("execution interrupted")
	case runtime.Error:
		e.Name, e.Value = "runtime.Error", v.Error()
	case error:
		e.Name, e.Value = errorName(v), v.Error()
		var te *parallel.TaskError
		if errors.As(v, &te) {
			e.Name = "TaskError"
			e.Value = te.Error()
			e.Traceback = append(e.Traceback, "TaskError: "+te.Error())
			for _, l := range strings.Split(te.Detail(), "\n")[1:] {
				l, _ = mapPositions(l, c)
				e.Traceback = append(e.Traceback, l)
			}
			e.Traceback = append(e.Traceback, "where the cell called Get:")
		}
	default:
		e.Name, e.Value = "panic", fmt.Sprint(r)
	}
	if strings.HasPrefix(e.Value, "reflect: ") || strings.Contains(e.Value, "index out of range") {
		// yaegi surfaces interpreted runtime errors as reflect panics.
		if e.Name == "panic" {
			e.Name = "runtime.Error"
		}
	}
	e.Value = userText(e.Value)
	// Where yaegi's own message means a known interpreter limit, the error
	// says so and what to do, keeping yaegi's text in brackets.
	limit := ""
	if strings.Contains(e.Value, "not assignable to type interp.valueInterface") {
		limit = ifaceHint
	} else if strings.HasPrefix(e.Value, "reflect.Set: value of type ") && strings.Contains(e.Value, " is not assignable to type ") {
		limit = shadowHint
	}
	if limit != "" && e.Name != "TaskError" {
		e.Name = "InterpreterLimit"
		e.Value = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(limit), "("), ")") + " [interpreter: " + firstLine(e.Value) + "]"
	}
	if e.Name != "TaskError" {
		e.Traceback = append(e.Traceback, e.Name+": "+firstLine(e.Value))
	}
	shown := false
	prev := ""
	for _, l := range lines {
		if l == prev {
			continue // yaegi repeats the panic position for each frame it unwinds
		}
		prev = l
		m := frameRE.FindStringSubmatch(l)
		if m == nil || !posRE.MatchString(m[1]) || m[2] == "main" || m[2] == "main.main" {
			// The chunk's wrapper function (yaegi's main: the user's is
			// renamed mainName): no useful position — at the chunk's start
			// when the chunk runs without the Begin hook (simple.go).
			continue
		}
		pos, ln := mapPositions(m[1], c)
		fn := userText(strings.TrimPrefix(m[2], "main."))
		e.Traceback = append(e.Traceback, fmt.Sprintf("  at %s (%s)", fn, pos))
		if src := sourceLine(code, ln); src != "" && code != "" {
			e.Traceback = append(e.Traceback, "  "+src)
		}
		shown = true
	}
	if !shown && code != "" {
		// yaegi gives no position for a panic in a cell's top-level code.
		if c.chunkLine == c.chunkEnd {
			e.Traceback = append(e.Traceback, fmt.Sprintf("  at the top level of the cell (line %d)", c.chunkLine), "  "+sourceLine(code, c.chunkLine))
		} else {
			e.Traceback = append(e.Traceback, fmt.Sprintf("  at the top level of the cell (lines %d-%d)", c.chunkLine, c.chunkEnd))
		}
	}
	return e
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// PanicFrames implements parallel.PanicLocator: the frames of a panicking
// interpreted task, from the positions yaegi printed while unwinding, as
// "func (cell[N] line L:C)". It returns nil when there are none, and the
// runtime then uses the Go stack.
func (s *Session) PanicFrames(v any, goStack []byte) []string {
	lines := s.takePanicLines(goid.Get())
	var out []string
	if e := debugFrameLimit(yaegi.Panic{Value: v, Stack: goStack}); e != nil {
		out = append(out, e.Traceback...) // the task failed in the debugger: say why
	}
	prev := ""
	for _, l := range lines {
		if l == prev {
			continue
		}
		prev = l
		m := frameRE.FindStringSubmatch(l)
		if m == nil || !posRE.MatchString(m[1]) {
			continue
		}
		pos, _ := mapPositions(m[1], nil)
		out = append(out, fmt.Sprintf("%s (%s)", userText(strings.TrimPrefix(m[2], "main.")), pos))
	}
	return out
}
