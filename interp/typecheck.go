package interp

// Type-checking a cell. Some rewrites need types (ranges over integers and
// functions, deferred receivers, method values, constants passed by go
// statements): the cell's chunks are checked together with go/types, with
// empty imported packages and, in a file of their own, the types,
// function and method signatures and typed variables of earlier cells.
// Whatever go/types cannot tell is left to yaegi.

import (
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"strings"
)

// earlier is what earlier cells declared, for type-checking a cell.
type earlier interface {
	// global returns the value of a variable or constant (the invalid
	// Value if there is none); a constant's value is not addressable.
	global(name string) reflect.Value
	// stubs returns the types, and functions and methods without bodies,
	// that earlier cells declared and the identifiers used reach, except
	// those named in skip (see stubSet).
	stubs(skip, used map[string]bool) string
	// importer returns the session's importer of real standard-library
	// packages (see stdImporter).
	importer() types.Importer
	// imports returns the standard-library packages earlier cells
	// imported, by local name.
	imports() map[string]string
}

// emptyImporter gives every import an empty, complete package.
type emptyImporter struct{}

func (emptyImporter) Import(p string) (*types.Package, error) {
	pkg := types.NewPackage(p, path.Base(p))
	pkg.MarkComplete()
	return pkg, nil
}

// cellTypes is what go/types tells of a cell's ranges and deferred
// method calls, keyed by offsets in the cell.
type cellTypes struct {
	ranges     map[int]*rangeInfo    // by the offset of the range's expression
	defers     map[int]*deferInfo    // deferred (and go statements') method calls, by the offset of the call
	consts     map[int]bool          // identifiers of go statements' arguments naming constants, by offset
	mvals      map[int]bool          // method values (x.M not called), by offset
	mbind      map[int]*deferInfo    // method values with a value receiver to bind now, by offset
	vars       map[string]string     // types of the variables the statements declare at top level
	sassgn     map[int]bool          // x in x = T{…} where x is a struct variable, by offset
	sres       map[int][]bool        // which results of a function are structs, by the offset of its type
	multi      map[int]bool          // calls with several results passed as a go statement's only argument
	addr       map[int]bool          // x in x.M(…) where M has a pointer receiver and x is an addressable non-pointer, by offset
	ctxKey     *ctxKeyUse            // a context.WithValue key of a cell type with a basic underlying type, if any
	gdefs      map[int]genericDef    // top-level x := generic call, by the offset of x
	nilRets    map[int]nilReturn     // return operands of pointer-to-cell-type type into an interface result
	ptrStr     map[int]string        // fmt arguments of cell types with String/Error on the pointer only → underlying type
	hoist      map[int][]boundsCheck // index checks to put in front of a statement, by the statement's offset
	hook       map[int]boundsCheck   // index checks through the Index hook, by the index's offset
	targs      map[int]string        // inferred type arguments of generic calls, by the offset of the name's end
	chanRanges map[int]chanRange     // ranges over slices of channels, by the offset of their for
	parks      map[int]parkSite      // channel statements in functions that give up the compile gate while they wait (park.go)
}

// typedAt is a cell's cellTypes seen from a chunk made of segs.
type typedAt struct {
	ct   *cellTypes
	segs []textSeg
}

// cellOff maps an offset in the chunk's text to one in the cell.
func (t typedAt) cellOff(off int) int {
	for i := len(t.segs) - 1; i >= 0; i-- {
		if t.segs[i].at <= off {
			return t.segs[i].start + off - t.segs[i].at
		}
	}
	return -1
}

func (t typedAt) rangeAt(off int) *rangeInfo {
	if t.ct == nil {
		return nil
	}
	return t.ct.ranges[t.cellOff(off)]
}

func (t typedAt) methodValueAt(off int) bool {
	return t.ct != nil && t.ct.mvals[t.cellOff(off)]
}

func (t typedAt) methodBindAt(off int) *deferInfo {
	if t.ct == nil {
		return nil
	}
	return t.ct.mbind[t.cellOff(off)]
}

func (t typedAt) addrRecvAt(off int) bool {
	return t.ct != nil && t.ct.addr[t.cellOff(off)]
}

func (t typedAt) multiAt(off int) bool {
	return t.ct != nil && t.ct.multi[t.cellOff(off)]
}

func (t typedAt) structAssignAt(off int) bool {
	return t.ct != nil && t.ct.sassgn[t.cellOff(off)]
}

func (t typedAt) structResultsAt(off int) []bool {
	if t.ct == nil {
		return nil
	}
	return t.ct.sres[t.cellOff(off)]
}

func (t typedAt) constAt(off int) bool {
	return t.ct != nil && t.ct.consts[t.cellOff(off)]
}

func (t typedAt) deferAt(off int) *deferInfo {
	if t.ct == nil {
		return nil
	}
	return t.ct.defers[t.cellOff(off)]
}

// checkCell type-checks a cell's chunks together: imports, then
// declarations, then the statements in order as one function body.
// Imported packages are empty and names of earlier cells unknown, except
// the types of earlier cells' variables (known).
func checkCell(code string, chunks []*chunk, known earlier) *cellTypes {
	type seg struct{ at, start int } // offset in src, offset in code
	var segs []seg
	var b strings.Builder
	b.WriteString("package p\n")
	add := func(c *chunk) {
		for _, sg := range c.segs {
			segs = append(segs, seg{b.Len(), sg.start})
			b.WriteString(code[sg.start:sg.end])
			b.WriteString("\n")
		}
	}
	for _, k := range []chunkKind{kindImport, kindDecl} {
		for _, c := range chunks {
			if c.kind == k {
				add(c)
			}
		}
	}
	b.WriteString("func _() {\n")
	for _, c := range chunks {
		if c.kind == kindStmt {
			add(c)
		}
	}
	b.WriteString("}\n")
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", b.String(), parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	cellOff := func(p token.Pos) int {
		o := fset.Position(p).Offset
		for i := len(segs) - 1; i >= 0; i-- {
			if segs[i].at <= o {
				return segs[i].start + o - segs[i].at
			}
		}
		return -1
	}
	files := []*ast.File{f}
	if known != nil {
		// Earlier cells' declarations, in a file of their own, except
		// those this cell declares again.
		if src := known.stubs(declared(f), usedNames(f)); src != "" {
			if sf, err := parser.ParseFile(fset, "", "package p\n"+src, parser.SkipObjectResolution); err == nil {
				files = append(files, sf)
			}
		}
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
		Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Instances: map[*ast.Ident]types.Instance{}}
	conf := types.Config{Importer: emptyImporter{}, Error: func(error) {}}
	conf.Check(f.Name.Name, fset, files, info) // errors expected: names of other cells
	ct := &cellTypes{ranges: map[int]*rangeInfo{}, defers: map[int]*deferInfo{}, vars: map[string]string{}}
	// The types of the variables the cell's statements declare at its top
	// level (for later cells: see noteStubs).
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "_" && fd.Recv == nil && fd.Body != nil {
			for _, st := range fd.Body.List {
				var ids []*ast.Ident
				switch st := st.(type) {
				case *ast.AssignStmt:
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && st.Tok == token.DEFINE {
							ids = append(ids, id)
						}
					}
				case *ast.DeclStmt:
					if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
						for _, sp := range g.Specs {
							ids = append(ids, sp.(*ast.ValueSpec).Names...)
						}
					}
				}
				for _, id := range ids {
					if obj := info.Defs[id]; obj != nil && !containsInvalid(obj.Type()) && !hasInvalid(obj.Type()) {
						ct.vars[id.Name] = types.TypeString(obj.Type(), qualifier)
					}
				}
			}
		}
	}
	for r, ri := range rangeTypes(f, info, known) {
		ct.ranges[cellOff(r.X.Pos())] = ri
	}
	ct.gdefs = topGenericDefs(f, info, cellOff, cellPackages(f, known))
	ct.nilRets = typedNilReturns(f, info, cellOff)
	ct.ptrStr = hiddenPtrMethods(f, info, cellOff)
	ct.hoist, ct.hook = boundsChecks(f, info, b.String(), cellOff)
	ct.targs = inferredTypeArgs(f, info, cellOff, cellPackages(f, known))
	ct.chanRanges = chanRanges(f, info, cellOff)
	ct.parks = parkSites(f, info, cellOff)
	if known != nil && (unknownRange(f, info) || unknownGenericDef(f, info, cellImportPaths(f, known)) || uninferredGenericCall(f, info)) {
		checkWithPackages(ct, b.String(), f, known, cellOff)
	}
	for c, di := range deferTypes(f, info) {
		ct.defers[cellOff(c.Pos())] = di
	}
	ct.addr = addrReceivers(f, info, cellOff)
	ct.ctxKey = contextKeyUse(f, info, cellOff)
	ct.mvals, ct.mbind = map[int]bool{}, map[int]*deferInfo{}
	called := map[ast.Expr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			called[ast.Unparen(n.Fun)] = true
		case *ast.SelectorExpr:
			if s := info.Selections[n]; s != nil && s.Kind() == types.MethodVal && !called[n] {
				ct.mvals[cellOff(n.Pos())] = true
				if b := methodBind(n, s, info); b != nil {
					ct.mbind[cellOff(n.Pos())] = b
				}
			}
		}
		return true
	})
	ct.sassgn, ct.sres = map[int]bool{}, map[int][]bool{}
	isStruct := func(t types.Type) bool {
		_, ok := t.Underlying().(*types.Struct)
		return ok
	}
	ast.Inspect(f, func(n ast.Node) bool {
		var sig *types.Signature
		var ft *ast.FuncType
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok {
					if v, ok := info.Uses[id].(*types.Var); ok && isStruct(v.Type()) {
						ct.sassgn[cellOff(id.Pos())] = true
					}
				}
			}
		case *ast.FuncDecl:
			if fn, ok := info.Defs[n.Name].(*types.Func); ok {
				sig, _ = fn.Type().(*types.Signature)
			}
			ft = n.Type
		case *ast.FuncLit:
			if tv, ok := info.Types[n]; ok {
				sig, _ = tv.Type.(*types.Signature)
			}
			ft = n.Type
		}
		if sig != nil {
			var rs []bool
			for i := range sig.Results().Len() {
				rs = append(rs, isStruct(sig.Results().At(i).Type()))
			}
			ct.sres[cellOff(ft.Pos())] = rs
		}
		return true
	})
	ct.consts, ct.multi = map[int]bool{}, map[int]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		if len(g.Call.Args) == 1 {
			if tv, ok := info.Types[g.Call.Args[0]]; ok {
				if tup, ok := tv.Type.(*types.Tuple); ok && tup.Len() > 1 {
					ct.multi[cellOff(g.Call.Args[0].Pos())] = true
				}
			}
		}
		for _, a := range g.Call.Args {
			id, ok := a.(*ast.Ident)
			if !ok {
				continue
			}
			if obj, ok := info.Uses[id]; ok {
				_, c := obj.(*types.Const)
				ct.consts[cellOff(id.Pos())] = c
			} else if known != nil {
				v := known.global(id.Name)
				ct.consts[cellOff(id.Pos())] = v.IsValid() && !v.CanAddr()
			}
		}
		return true
	})
	return ct
}

// qualifier names the cell's own types without a package.
func qualifier(p *types.Package) string {
	if p.Path() == "p" {
		return ""
	}
	return p.Name()
}

// global implements earlier.
func (s *Session) global(name string) reflect.Value {
	return s.i.Globals()[name]
}

// declared returns the names f declares at its top level, methods as T.M.
func declared(f *ast.File) map[string]bool {
	names := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			names[funcKey(d)] = true
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					names[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	// The cell's statements: what they declare at the top level.
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "_" && fd.Body != nil {
			for _, st := range fd.Body.List {
				switch st := st.(type) {
				case *ast.AssignStmt:
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && st.Tok == token.DEFINE {
							names[id.Name] = true
						}
					}
				case *ast.DeclStmt:
					if g, ok := st.Decl.(*ast.GenDecl); ok {
						for _, sp := range g.Specs {
							switch sp := sp.(type) {
							case *ast.TypeSpec:
								names[sp.Name.Name] = true
							case *ast.ValueSpec:
								for _, n := range sp.Names {
									names[n.Name] = true
								}
							}
						}
					}
				}
			}
		}
	}
	return names
}

// funcKey names a function f, or a method T.M.
func funcKey(d *ast.FuncDecl) string {
	if d.Recv == nil || len(d.Recv.List) == 0 {
		return d.Name.Name
	}
	t := d.Recv.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.ParenExpr:
			t = x.X
			continue
		}
		break
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name + "." + d.Name.Name
	}
	return d.Name.Name
}

// noteStubs keeps, from a chunk that ran, its types, functions and
// methods (without bodies) and typed variables, for type-checking later
// cells (see earlier).
func (s *Session) noteStubs(ch *chunk) {
	if ch.kind == kindStmt {
		if ch.typed.ct == nil {
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, n := range ch.names {
			if t, ok := ch.typed.ct.vars[n]; ok {
				s.stubSrc.set(n, "var "+n+" "+t)
			} else if old, ok := s.stubSrc.get(n); ok && strings.HasPrefix(old, "var ") {
				s.stubSrc.del(n) // redeclared with a type go/types cannot tell
			}
		}
		return
	}
	if ch.kind != kindDecl {
		return
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\n"+ch.text, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	stubs := map[string]string{}
	text := func(n any) string {
		var b strings.Builder
		if printer.Fprint(&b, fset, n) != nil {
			return ""
		}
		return b.String()
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Name.Name == "main" || d.Name.Name == "init" || d.Name.Name == "_" {
				continue
			}
			d.Body = nil
			stubs[funcKey(d)] = text(d)
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					stubs[sp.Name.Name] = text(&ast.GenDecl{Tok: token.TYPE, Specs: []ast.Spec{sp}})
				case *ast.ValueSpec:
					// A typed constant is stubbed as a variable of its
					// type: enough for the types of expressions using it.
					if sp.Type != nil && (d.Tok == token.VAR || d.Tok == token.CONST) {
						for _, n := range sp.Names {
							stubs[n.Name] = "var " + n.Name + " " + text(sp.Type)
						}
					}
				}
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range stubs {
		if old, ok := s.stubSrc.get(k); ok && strings.HasPrefix(old, "type ") {
			continue // a type keeps its first definition, as yaegi does
		}
		s.stubSrc.set(k, v)
	}
}

// stubs implements earlier.
func (s *Session) stubs(skip, used map[string]bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stubSrc.needed(skip, used)
}

// allStubs returns the stubs of every declaration of earlier cells (the
// editor checks code against all of them).
func (s *Session) allStubs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stubSrc.all()
}
