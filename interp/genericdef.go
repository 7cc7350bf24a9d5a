package interp

import (
	"go/ast"
	"go/token"
	"go/types"
)

// yaegi v0.16.1 cannot compile a variable defined at a cell's top level by
// a generic call (`keys := slices.Sorted(maps.Keys(m))` is an internal
// "nil reflect type" panic), but compiles the declaration and assignment
// `var keys []string; keys = slices.Sorted(…)`. When go/types knows the
// call's type, the definition is written that way (genericDefEdits).

// genericDef is a top-level `x := call` to rewrite: the type of x.
type genericDef struct{ typ string }

// topGenericDefs returns, by the offset of x in the checked text, the
// top-level definitions x := e of the statement chunks (the body of the
// function _) where e calls a generic function and its type is known and
// spellable in the cell (packages named in it are imported: pkgs).
func topGenericDefs(f *ast.File, info *types.Info, cellOff func(token.Pos) int, pkgs map[string]bool) map[int]genericDef {
	out := map[int]genericDef{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "_" || fd.Recv != nil || fd.Body == nil {
			continue
		}
		for _, st := range fd.Body.List {
			as, ok := st.(*ast.AssignStmt)
			if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
				continue
			}
			id, ok := as.Lhs[0].(*ast.Ident)
			if !ok || id.Name == "_" || !callsGeneric(as.Rhs[0], info) {
				continue
			}
			tv, ok := info.Types[as.Rhs[0]]
			if !ok || tv.Type == nil || containsInvalid(tv.Type) || hasInvalid(tv.Type) {
				continue
			}
			spellable := true
			s := types.TypeString(types.Default(tv.Type), func(p *types.Package) string {
				if p.Path() == "p" {
					return ""
				}
				spellable = spellable && pkgs[p.Name()]
				return p.Name()
			})
			if spellable && !compiledGeneric(tv.Type) {
				out[cellOff(id.Pos())] = genericDef{s}
			}
		}
	}
	return out
}

// compiledGeneric reports whether t mentions an instance of a generic type
// of a package other than iter (whose Seq and Seq2 cells have): compiled
// generic types are not available to cells (unique.Handle[T]).
func compiledGeneric(t types.Type) bool {
	found := false
	var walk func(t types.Type, depth int)
	walk = func(t types.Type, depth int) {
		if found || depth > 8 {
			return
		}
		switch t := t.(type) {
		case *types.Named:
			if t.TypeArgs().Len() > 0 && t.Obj().Pkg() != nil && t.Obj().Pkg().Path() != "p" && t.Obj().Pkg().Path() != "iter" {
				found = true
				return
			}
			for i := range t.TypeArgs().Len() {
				walk(t.TypeArgs().At(i), depth+1)
			}
		case *types.Pointer:
			walk(t.Elem(), depth+1)
		case *types.Slice:
			walk(t.Elem(), depth+1)
		case *types.Array:
			walk(t.Elem(), depth+1)
		case *types.Map:
			walk(t.Key(), depth+1)
			walk(t.Elem(), depth+1)
		case *types.Chan:
			walk(t.Elem(), depth+1)
		}
	}
	walk(t, 0)
	return found
}

// callsGeneric reports whether e calls an instance of a generic function.
func callsGeneric(e ast.Expr, info *types.Info) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if _, inst := info.Instances[id]; inst {
				found = true
			}
		}
		return !found
	})
	return found
}

// genericDefEdits rewrites the definitions topGenericDefs found.
func genericDefEdits(f *ast.File, off func(token.Pos) int, typed typedAt, stmts bool) []edit {
	if !stmts || typed.ct == nil || len(typed.ct.gdefs) == 0 {
		return nil
	}
	var edits []edit
	body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
	for _, st := range body {
		as, ok := st.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 {
			continue
		}
		id, ok := as.Lhs[0].(*ast.Ident)
		if !ok || off(id.Pos()) < 0 {
			continue
		}
		g, ok := typed.ct.gdefs[typed.cellOff(off(id.Pos()))]
		if !ok {
			continue
		}
		// x := e  →  var x T; x = e   (on the same line)
		edits = append(edits,
			edit{off(id.Pos()), off(id.Pos()), "var " + id.Name + " " + g.typ + "; "},
			edit{off(as.TokPos), off(as.TokPos) + 2, "="})
	}
	return edits
}
