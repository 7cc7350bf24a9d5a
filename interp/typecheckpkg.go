package interp

// The second go/types check of a cell, with the real standard-library
// packages, for what the first (with empty packages) cannot tell: ranges
// over a package's iterators, top-level definitions by standard generic
// calls, and type arguments inferred from arguments of a package's type.

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/warren-go/warren/interp/stdgeneric"
)

// unknownRange reports whether f ranges over a value whose type go/types
// could not tell, other than a value of package ray's functions (range
// ray.GetAll(refs...)): the second check has no ray package either, and it
// would load the cell's standard packages with the Go toolchain for nothing
// (about 0.1 s a package, the first time in a process).
func unknownRange(f *ast.File, info *types.Info) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok && !found {
			tv, ok := info.Types[r.X]
			found = (!ok || tv.Type == nil || containsInvalid(tv.Type)) && !fromRay(r.X, info)
		}
		return !found
	})
	return found
}

// fromRay reports whether x is a call or selector of package ray
// (ray.GetAll(…), ray.Wait(…)), whose type go/types cannot tell.
func fromRay(x ast.Expr, info *types.Info) bool {
	for {
		switch e := x.(type) {
		case *ast.CallExpr:
			x = e.Fun
		case *ast.SelectorExpr:
			x = e.X
		case *ast.ParenExpr:
			x = e.X
		case *ast.Ident:
			_, used := info.Uses[e]
			return e.Name == "ray" && !used
		default:
			return false
		}
	}
}

// checkWithPackages adds to ct the ranges over values of a package's type
// (slices.Values(s), strings.SplitSeq(…)) and the top-level definitions by
// generic calls of the standard library (slices.Sorted(…)): src, parsed as
// f, is checked again with the real standard-library packages and with the
// imports of earlier cells added to it (imports are per file), for those
// only.
func checkWithPackages(ct *cellTypes, src string, f *ast.File, known earlier, cellOff func(token.Pos) int) {
	own := cellPackages(f, nil)
	var extra strings.Builder
	for name, p := range known.imports() {
		if !own[name] {
			extra.WriteString("import " + name + " " + strconv.Quote(p) + "\n")
		}
	}
	const head = "package p\n"
	fset := token.NewFileSet()
	f2, err := parser.ParseFile(fset, "", head+extra.String()+strings.TrimPrefix(src, head), parser.SkipObjectResolution)
	if err != nil {
		return
	}
	files := []*ast.File{f2}
	if src := known.stubs(declared(f), usedNames(f)); src != "" {
		// The stubs mention the packages earlier cells imported (func
		// countTo(n int) iter.Seq[int]): their file imports them too.
		var imps strings.Builder
		for name, p := range known.imports() {
			imps.WriteString("import " + name + " " + strconv.Quote(p) + "\n")
		}
		if sf, err := parser.ParseFile(fset, "", "package p\n"+imps.String()+src, parser.SkipObjectResolution); err == nil {
			files = append(files, sf)
		}
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Selections: map[*ast.SelectorExpr]*types.Selection{},
		Uses: map[*ast.Ident]types.Object{}, Defs: map[*ast.Ident]types.Object{}, Instances: map[*ast.Ident]types.Instance{}}
	conf := types.Config{Importer: known.importer(), Error: func(error) {}}
	conf.Check(f2.Name.Name, fset, files, info)
	shift := extra.Len()
	off2 := func(p token.Pos) int {
		o := fset.Position(p).Offset - shift
		if o < len(head) {
			return -1
		}
		return cellOff(f.FileStart + token.Pos(o))
	}
	for o, g := range topGenericDefs(f2, info, off2, cellPackages(f2, known)) {
		if _, ok := ct.gdefs[o]; !ok && o >= 0 {
			ct.gdefs[o] = g
		}
	}
	for o, s := range inferredTypeArgs(f2, info, off2, cellPackages(f2, known)) {
		if _, ok := ct.targs[o]; !ok && o >= 0 {
			ct.targs[o] = s
		}
	}
	for r, ri := range rangeTypes(f2, info, known) {
		// The same offset in the first check's text, where cellOff applies.
		o := fset.Position(r.X.Pos()).Offset - shift
		if o < len(head) {
			continue
		}
		off := cellOff(f.FileStart + token.Pos(o))
		if _, ok := ct.ranges[off]; !ok {
			ct.ranges[off] = ri
		}
	}
}

// unknownGenericDef reports whether a top-level x := e of f calls a
// function of a standard package with generic functions cells have
// (stdgeneric.Packages: the others' generics are not available to cells)
// whose type go/types could not tell. paths maps the cell's package names
// to import paths. Other calls need no second check, which would load
// their packages' export data for nothing.
func unknownGenericDef(f *ast.File, info *types.Info, paths map[string]string) bool {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "_" || fd.Body == nil {
			continue
		}
		for _, st := range fd.Body.List {
			as, ok := st.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				continue
			}
			c, ok := as.Rhs[0].(*ast.CallExpr)
			if !ok {
				continue
			}
			sel, ok := c.Fun.(*ast.SelectorExpr)
			if !ok {
				continue
			}
			pkg, ok := sel.X.(*ast.Ident)
			if !ok || !slices.Contains(stdgeneric.Packages, paths[pkg.Name]) {
				continue
			}
			if tv, known := info.Types[c]; !known || tv.Type == nil || containsInvalid(tv.Type) {
				return true
			}
		}
	}
	return false
}

// cellPackages returns the names of the packages f imports and, with
// known, those earlier cells imported.
func cellPackages(f *ast.File, known earlier) map[string]bool {
	out := map[string]bool{}
	for name := range cellImportPaths(f, known) {
		out[name] = true
	}
	return out
}

// cellImportPaths returns the import paths of the packages f imports and,
// with known, of those earlier cells imported, by the names they have.
func cellImportPaths(f *ast.File, known earlier) map[string]string {
	out := map[string]string{}
	if known != nil {
		out = known.imports()
	}
	for _, imp := range f.Imports {
		p := strings.Trim(imp.Path.Value, "`\"")
		name := path.Base(p)
		if imp.Name != nil {
			name = imp.Name.Name
		}
		out[name] = p
	}
	return out
}

// imports implements earlier: the standard-library packages earlier cells
// imported, by the name they gave them.
func (s *Session) imports() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for name, p := range s.pkgs {
		first, _, _ := strings.Cut(p, "/")
		if name == "_" || name == "." || name == goHook || strings.Contains(first, ".") || p == "ray" || p == "display" {
			continue
		}
		out[name] = p
	}
	return out
}

// importer implements earlier.
func (s *Session) importer() types.Importer { return &s.stdImp }
