package interp

import (
	"reflect"

	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"strings"
)

// Range over an integer and over a function (Go 1.22, 1.23), which yaegi
// v0.16.1 does not compile. Which of the two a `range x` is depends on x's
// type, so the chunk is type-checked on its own with go/types: imported
// packages are empty and names from earlier cells unknown, so a type is
// known when x is a constant, or is declared in the cell (a variable, a
// function parameter). Such loops are rewritten (see loopvar.go):
//
//	for i := range n { BODY }   →  for __wnN, __wiN := n, T(0); __wiN < __wnN; __wiN++ { i := __wiN; { BODY } }
//	for k, v := range seq { BODY }  →  for __woN := true; __woN; __woN = false { var __wcN int; seq(func(k K, v V) bool { __wcN = func() int { { BODY }; return 0 }(); return __wcN == 0 }); if __wcN == 1 { break }; … }
//
// with the body's jumps translated as for any loop body run as a function.
// Other ranges over a value of unknown type are left to yaegi; if it
// cannot compile them the error says how to write the loop instead.

// rangeHint is added to a compile error that may come from a range over
// an integer or a function of a type warren could not tell.
const rangeHint = "(if this is a range over an integer or a function: warren rewrites those when it can tell the type of the ranged value — a constant, len(…), a variable or parameter declared in this cell, or a variable of an earlier cell; otherwise write `for i := 0; i < n; i++`, or call the function with a yield func: `seq(func(x T) bool { …; return true })`)"

// rangeInfo is what a range over an integer or a function needs.
type rangeInfo struct {
	fn     bool     // range over a function
	intTyp string   // the integer's type (range over an integer); "" for x-x
	params []string // the yield function's parameter types (range over a function)
}

// globalType returns the value of a variable or constant an earlier cell
// declared (the invalid Value if there is none). A constant's value is not
// addressable.
type globalType func(name string) reflect.Value

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
	ranges map[int]*rangeInfo // by the offset of the range's expression
	defers map[int]*deferInfo // by the offset of the deferred call
	consts map[int]bool       // identifiers of go statements' arguments naming constants, by offset
	mvals  map[int]bool       // method values (x.M not called), by offset
	mbind  map[int]*deferInfo // method values with a value receiver to bind now, by offset
	multi  map[int]bool       // calls with several results passed as a go statement's only argument
}

// typedAt is a cell's cellTypes seen from a chunk starting at offset base.
type typedAt struct {
	ct   *cellTypes
	base int
}

func (t typedAt) rangeAt(off int) *rangeInfo {
	if t.ct == nil {
		return nil
	}
	return t.ct.ranges[t.base+off]
}

func (t typedAt) methodValueAt(off int) bool {
	return t.ct != nil && t.ct.mvals[t.base+off]
}

func (t typedAt) methodBindAt(off int) *deferInfo {
	if t.ct == nil {
		return nil
	}
	return t.ct.mbind[t.base+off]
}

func (t typedAt) multiAt(off int) bool {
	return t.ct != nil && t.ct.multi[t.base+off]
}

func (t typedAt) constAt(off int) bool {
	return t.ct != nil && t.ct.consts[t.base+off]
}

func (t typedAt) deferAt(off int) *deferInfo {
	if t.ct == nil {
		return nil
	}
	return t.ct.defers[t.base+off]
}

// checkCell type-checks a cell's chunks together: imports, then
// declarations, then the statements in order as one function body.
// Imported packages are empty and names of earlier cells unknown, except
// the types of earlier cells' variables (known).
func checkCell(code string, chunks []*chunk, known globalType) *cellTypes {
	type seg struct{ at, start int } // offset in src, offset in code
	var segs []seg
	var b strings.Builder
	b.WriteString("package p\n")
	add := func(c *chunk) {
		segs = append(segs, seg{b.Len(), c.start})
		b.WriteString(code[c.start:c.end])
		b.WriteString("\n")
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
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Importer: emptyImporter{}, Error: func(error) {}}
	conf.Check(f.Name.Name, fset, []*ast.File{f}, info) // errors expected: names of other cells
	ct := &cellTypes{ranges: map[int]*rangeInfo{}, defers: map[int]*deferInfo{}}
	for r, ri := range rangeTypes(f, info, known) {
		ct.ranges[cellOff(r.X.Pos())] = ri
	}
	for d, di := range deferTypes(f, info) {
		ct.defers[cellOff(d.Call.Pos())] = di
	}
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
				v := known(id.Name)
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

// rangeTypes finds the ranges over integers and functions in f.
// Where go/types cannot tell, a range over an identifier an earlier cell
// declared uses that variable's type (known).
func rangeTypes(f *ast.File, info *types.Info, known globalType) map[*ast.RangeStmt]*rangeInfo {
	var ranges []*ast.RangeStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok {
			ranges = append(ranges, r)
		}
		return true
	})
	if len(ranges) == 0 {
		return nil
	}
	qual := qualifier
	out := map[*ast.RangeStmt]*rangeInfo{}
	for _, r := range ranges {
		if c, ok := r.X.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") {
				out[r] = &rangeInfo{intTyp: "int"}
				continue
			}
		}
		tv, ok := info.Types[r.X]
		if !ok || tv.Type == nil || containsInvalid(tv.Type) {
			if ri := fromGlobal(r.X, known); ri != nil {
				out[r] = ri
			}
			continue
		}
		switch u := tv.Type.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger == 0 {
				continue
			}
			t := types.Default(tv.Type)
			out[r] = &rangeInfo{intTyp: types.TypeString(t, qual)}
		case *types.Signature:
			if u.Params().Len() != 1 || u.Results().Len() != 0 {
				continue
			}
			y, ok := u.Params().At(0).Type().Underlying().(*types.Signature)
			if !ok || y.Results().Len() != 1 {
				continue
			}
			ri := &rangeInfo{fn: true}
			valid := true
			for i := range y.Params().Len() {
				t := y.Params().At(i).Type()
				valid = valid && !hasInvalid(t)
				ri.params = append(ri.params, types.TypeString(t, qual))
			}
			if valid {
				out[r] = ri
			}
		}
	}
	return out
}

// hasInvalid reports whether t mentions a type go/types could not resolve.
func hasInvalid(t types.Type) bool {
	return types.TypeString(t, nil) == "invalid type" || containsInvalid(t)
}

func containsInvalid(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind() == types.Invalid
	case *types.Pointer:
		return containsInvalid(t.Elem())
	case *types.Slice:
		return containsInvalid(t.Elem())
	case *types.Array:
		return containsInvalid(t.Elem())
	case *types.Map:
		return containsInvalid(t.Key()) || containsInvalid(t.Elem())
	case *types.Chan:
		return containsInvalid(t.Elem())
	}
	return false
}

// fromGlobal tells a range over an earlier cell's variable x of integer or
// function type from its run-time type.
func fromGlobal(x ast.Expr, known globalType) *rangeInfo {
	id, ok := x.(*ast.Ident)
	if !ok || known == nil {
		return nil
	}
	v := known(id.Name)
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &rangeInfo{} // the counter is x-x: x's own type
	case reflect.Func:
		if t.NumIn() != 1 || t.NumOut() != 0 {
			return nil
		}
		y := t.In(0)
		if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool {
			return nil
		}
		ri := &rangeInfo{fn: true}
		for i := range y.NumIn() {
			p := y.In(i)
			if !unnamed(p) {
				return nil // a type name that may not be valid in the cell
			}
			ri.params = append(ri.params, p.String())
		}
		return ri
	}
	return nil
}

// unnamed reports whether t is spelled the same in any cell: built of
// predeclared types only.
func unnamed(t reflect.Type) bool {
	if t.Name() != "" {
		return t.PkgPath() == "" // int, string, error…
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return unnamed(t.Elem())
	case reflect.Map:
		return unnamed(t.Key()) && unnamed(t.Elem())
	}
	return false
}

// globalType implements globalType for the session.
func (s *Session) globalType(name string) reflect.Value {
	return s.i.Globals()[name]
}
