package interp

// Types of the code being edited, for completion and inspection. The cell,
// which need not be finished, is laid out as a Go file (imports, then
// declarations, then its statements as one function body) and checked by
// go/types together with what the session knows: the declarations of
// earlier cells kept without bodies (noteStubs), the session's variables
// whose types only reflection tells, and the compiled packages, built from
// the session's symbol tables by symtypes. Nothing here runs code.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"reflect"
	"strconv"
	"strings"

	"github.com/warren-go/warren/interp/symtypes"
)

// editView is one check of edited code.
type editView struct {
	fset *token.FileSet
	file *ast.File // the cell's file
	base int       // file offset of the file's start in fset
	segs []textSeg // where the cell's items are in the file (at) and in the cell (start, end)
	info *types.Info
	pkg  *types.Package
}

// pos returns the file position of the cell offset off, NoPos if that
// offset is not in the file.
func (v *editView) pos(off int) token.Pos {
	for _, sg := range v.segs {
		if sg.start <= off && off <= sg.end {
			return token.Pos(v.base + sg.at + off - sg.start)
		}
	}
	return token.NoPos
}

// editItem is one top-level item of edited code.
type editItem struct {
	kind       chunkKind
	start, end int
}

// topItems cuts code into its top-level items with go/scanner, classified
// as cells are (classify): an item ends at a semicolon (or newline)
// outside brackets. It never fails; an unfinished item runs to the end.
func topItems(code string) []editItem {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	sc.Init(f, []byte(code), func(token.Position, string) {}, 0)
	var out []editItem
	var toks []tok // the current item's tokens
	depth := 0
	flush := func(end int) {
		if len(toks) > 0 && toks[0].tok != token.PACKAGE {
			out = append(out, editItem{classify(append(toks, tok{end, token.SEMICOLON, ""}), 0), toks[0].pos, end})
		}
		toks = toks[:0]
	}
	for {
		p, t, lit := sc.Scan()
		if t == token.EOF {
			flush(len(code))
			return out
		}
		if t == token.SEMICOLON && depth == 0 {
			flush(f.Offset(p))
			continue
		}
		toks = append(toks, tok{f.Offset(p), t, lit})
		switch t {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth = max(depth-1, 0)
		}
	}
}

// editImporter returns the session's importer of compiled packages,
// rebuilt when the symbol tables changed (a native cell was bound again).
func (s *Session) editImporter() *symtypes.Importer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edit.imp == nil || s.edit.gen != s.symGen {
		s.edit.imp = symtypes.NewImporter(func(p string) map[string]reflect.Value {
			s.mu.Lock()
			defer s.mu.Unlock()
			return s.syms[p]
		}, map[string]string{
			"ray":     "github.com/warren-go/warren/parallel",
			"display": "github.com/warren-go/warren/interp/display",
		})
		s.edit.gen = s.symGen
	}
	return s.edit.imp
}

// warmEditor builds, in the background, the go/types packages of the
// session's imports when a cell imported packages, so that the first
// completion after it does not wait for them (a few milliseconds for
// net/http and the packages its API names).
func (s *Session) warmEditor() {
	s.mu.Lock()
	warmed := [2]int{len(s.pkgs), s.symGen}
	if s.edit.warmed == warmed {
		s.mu.Unlock()
		return
	}
	s.edit.warmed = warmed
	var paths []string
	for name, p := range s.pkgs {
		if name != goHook && name != "_" {
			paths = append(paths, p)
		}
	}
	s.mu.Unlock()
	go func() {
		defer func() { s.editPanic(recover()) }()
		im := s.editImporter()
		im.Lock()
		defer im.Unlock()
		for _, p := range paths {
			_, _ = im.Import(p) // an error: a package without symbols (interpreted), left to the checks
		}
	}()
}

// editPanic reports whether r, recovered by Complete or Inspect, is a
// panic, and keeps it for tests (lastPanic): an editor's request must never
// end the session, which would lose every variable (printing it would reach
// a cell's output, the process's stderr being the cells').
func (s *Session) editPanic(r any) bool {
	if r == nil {
		return false
	}
	s.mu.Lock()
	s.edit.lastPanic = fmt.Sprint(r)
	s.mu.Unlock()
	return true
}

// editState is the Session's cache for editor checks.
type editState struct {
	imp     *symtypes.Importer
	gen     int                     // symGen the importer was built for
	globals map[string]reflect.Type // the types reflectGlobals last read
	docs    map[string]string       // doc comments of cell functions, methods ("T.M") and types (noteDocs)
	env     *stubEnv                // earlier cells' declarations, checked (stubPackage)
	stubGen int                     // changes when the stubs may have (declare)
	warmed  [2]int                  // the number of session packages and symGen at the last warmEditor
	// lastPanic is the last panic Complete or Inspect recovered from.
	lastPanic string
}

// sessionImports returns import declarations of the session's packages
// that src names (as "name."), and of standard packages it names that are
// not imported, except those named in skip: importing the others would
// only build their go/types packages for nothing.
func (s *Session) sessionImports(src string, skip map[string]bool) string {
	used := qualifiers(src)
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for name, p := range s.pkgs {
		if name == "_" || name == "." || name == goHook || skip[name] || !used[name] {
			continue
		}
		b.WriteString("import " + name + " " + strconv.Quote(p) + "\n")
	}
	// A standard package used without an import yet (as pkgPath: still
	// helpful while the import is being written).
	for name := range used {
		if _, bound := s.pkgs[name]; !bound && !skip[name] && !s.names[name] && s.syms[name] != nil && name != "warrenhook" {
			b.WriteString("import " + strconv.Quote(name) + "\n")
		}
	}
	return b.String()
}

// qualifiers returns the identifiers that src follows with a period.
func qualifiers(src string) map[string]bool {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(f, []byte(src), func(token.Position, string) {}, 0)
	out := map[string]bool{}
	prev := ""
	for {
		_, t, lit := sc.Scan()
		if t == token.EOF {
			return out
		}
		if t == token.PERIOD && prev != "" {
			out[prev] = true
		}
		prev = ""
		if t == token.IDENT {
			prev = lit
		}
	}
}

// reflectGlobals returns the types of session variables that no stub
// describes, from their values, except those in skip. Values are read only
// when no cell runs; while one does, the types last read are used.
func (s *Session) reflectGlobals(skip map[string]bool) map[string]reflect.Type {
	s.mu.Lock()
	var names []string
	for n := range s.names {
		if _, ok := s.stubSrc.get(n); !ok && !skip[n] {
			names = append(names, n)
		}
	}
	s.mu.Unlock()
	out := map[string]reflect.Type{}
	if len(names) == 0 {
		return out
	}
	if !s.evalMu.TryLock() {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range names {
			if t, ok := s.edit.globals[n]; ok {
				out[n] = t
			}
		}
		return out
	}
	g := s.i.Globals()
	for _, n := range names {
		v, ok := g[n]
		if !ok || !v.IsValid() {
			continue
		}
		t := v.Type()
		if t.Kind() == reflect.Interface && t.NumMethod() == 0 && !v.IsNil() {
			t = v.Elem().Type() // how the interpreter keeps some values
		}
		out[n] = t
	}
	s.evalMu.Unlock()
	s.mu.Lock()
	if s.edit.globals == nil {
		s.edit.globals = map[string]reflect.Type{}
	}
	for n, t := range out {
		s.edit.globals[n] = t
	}
	s.mu.Unlock()
	return out
}

// editCheck type-checks code as the editor sees it and calls use with the
// result, while no other check runs (the compiled packages' types are
// shared between checks). use is not called if code does not parse at all.
func (s *Session) editCheck(code string, use func(v *editView)) {
	items := topItems(code)
	var b strings.Builder
	v := &editView{}
	add := func(it editItem) {
		v.segs = append(v.segs, textSeg{b.Len(), it.start, it.end})
		b.WriteString(code[it.start:it.end])
		b.WriteString("\n")
	}
	b.WriteString("package p\n")
	own := map[string]bool{}
	for _, it := range items {
		if it.kind == kindImport {
			for _, imp := range importsIn(code[it.start:it.end]) {
				own[imp.localName()] = true
			}
		}
	}
	b.WriteString(s.sessionImports(code, own))
	for _, k := range []chunkKind{kindImport, kindDecl} {
		for _, it := range items {
			if it.kind == k {
				add(it)
			}
		}
	}
	b.WriteString("func _() {\n")
	for _, it := range items {
		if it.kind == kindStmt {
			add(it)
		}
	}
	b.WriteString("}\n")
	v.fset = token.NewFileSet()
	f, _ := parser.ParseFile(v.fset, "", b.String(), parser.SkipObjectResolution|parser.AllErrors)
	if f == nil {
		return
	}
	v.file, v.base = f, v.fset.File(f.Pos()).Base()
	skip := declared(f)
	im := s.editImporter()
	im.Lock()
	defer im.Unlock()
	v.pkg = types.NewPackage("p", "p") // the files' package clause; qualifier omits it
	// Earlier cells' declarations, checked once (stubPackage), join the
	// package as imported objects do, except those the cell declares again.
	env := s.stubPackage(im)
	for _, n := range env.names {
		if !skip[n] {
			v.pkg.Scope().Insert(env.pkg.Scope().Lookup(n))
		}
	}
	for n, t := range s.reflectGlobals(skip) {
		if v.pkg.Scope().Lookup(n) == nil {
			v.pkg.Scope().Insert(types.NewVar(token.NoPos, v.pkg, n, im.Type(t)))
		}
	}
	v.info = &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
		Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}}
	conf := &types.Config{Importer: im, Error: func(error) {}}
	_ = types.NewChecker(conf, v.fset, v.pkg, v.info).Files([]*ast.File{f}) // errors expected: unfinished code
	use(v)
}

// stubPackage returns the declarations of earlier cells (the session's
// stubs) type-checked as package "p", checked again only when they or the
// compiled packages may have changed. Call it with im locked.
func (s *Session) stubPackage(im *symtypes.Importer) *stubEnv {
	s.mu.Lock()
	key := [2]int{s.symGen, s.edit.stubGen}
	env := s.edit.env
	s.mu.Unlock()
	if env != nil && env.key == key && env.imp == im {
		return env
	}
	src := s.allStubs()
	pkg := types.NewPackage("p", "p")
	fset := token.NewFileSet()
	if f, _ := parser.ParseFile(fset, "", "package p\n"+s.sessionImports(src, nil)+src, parser.SkipObjectResolution|parser.AllErrors); f != nil {
		conf := &types.Config{Importer: im, Error: func(error) {}}
		_ = types.NewChecker(conf, fset, pkg, nil).Files([]*ast.File{f}) // errors expected: names of packages not imported
	}
	env = &stubEnv{key: key, imp: im, pkg: pkg, names: pkg.Scope().Names()}
	s.mu.Lock()
	s.edit.env = env
	s.mu.Unlock()
	return env
}

// stubEnv is a checked stubPackage and what it was checked from.
type stubEnv struct {
	key   [2]int // the generations of the compiled packages and of the stubs
	imp   *symtypes.Importer
	pkg   *types.Package
	names []string // pkg's names
}

// selectorAt returns the selector expression whose selected name starts
// at the cell offset off.
func (v *editView) selectorAt(off int) *ast.SelectorExpr {
	p := v.pos(off)
	if !p.IsValid() {
		return nil
	}
	var found *ast.SelectorExpr
	ast.Inspect(v.file, func(n ast.Node) bool {
		if found != nil || n == nil || n.Pos() > p || n.End() < p {
			return false // a node's children are within its range
		}
		if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Pos() == p {
			found = sel
		}
		return true
	})
	return found
}

// identAt returns the identifier covering the cell offset off.
func (v *editView) identAt(off int) *ast.Ident {
	p := v.pos(off)
	if !p.IsValid() {
		return nil
	}
	var found *ast.Ident
	ast.Inspect(v.file, func(n ast.Node) bool {
		if n == nil || found != nil || n.Pos() > p || n.End() < p {
			return false
		}
		if id, ok := n.(*ast.Ident); ok {
			found = id
		}
		return true
	})
	return found
}

// memberNames lists the fields and methods of a value of type t that code
// of package local may select: all of its own, the exported ones of other
// packages. Methods of *t count for a t that is not a pointer or an
// interface (an addressable value has them).
func memberNames(t types.Type, local *types.Package) []string {
	seen := map[string]bool{}
	var out []string
	add := func(obj types.Object) {
		if !seen[obj.Name()] && (obj.Exported() || obj.Pkg() != nil && obj.Pkg().Path() == local.Path()) {
			seen[obj.Name()] = true
			out = append(out, obj.Name())
		}
	}
	mt := t
	if _, isPtr := t.Underlying().(*types.Pointer); !isPtr && !types.IsInterface(t) {
		mt = types.NewPointer(t)
	}
	ms := types.NewMethodSet(mt)
	for i := range ms.Len() {
		add(ms.At(i).Obj())
	}
	// Fields, promoted ones included, breadth first.
	level := []types.Type{t}
	visited := map[types.Type]bool{}
	for depth := 0; len(level) > 0 && depth < 8; depth++ {
		var next []types.Type
		for _, lt := range level {
			if p, ok := lt.Underlying().(*types.Pointer); ok {
				lt = p.Elem()
			}
			if visited[lt] {
				continue
			}
			visited[lt] = true
			st, ok := lt.Underlying().(*types.Struct)
			if !ok {
				continue
			}
			for i := range st.NumFields() {
				fld := st.Field(i)
				add(fld)
				if fld.Embedded() {
					next = append(next, fld.Type())
				}
			}
		}
		level = next
	}
	return out
}
