package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// yaegi v0.16.1 keeps one instance of a generic function per bare name and
// type arguments, across packages: a cell's own `func Max[T cmp.Ordered]`
// and slices.Max, both used with int, share whichever was instantiated
// first, and one of them silently computes the other's result. So the
// generic functions that cells declare get names of their own
// (genericPrefix + name) wherever cells mention them; messages show the
// cell's names again (userText).

const genericPrefix = "__warren_g_"

// isGenericFunc reports whether name is a generic function declared by
// the cell or an earlier one.
func (u *userNames) isGenericFunc(name string) bool {
	_, ok := u.lookupGeneric(name)
	return ok
}

// genericRename returns text with every identifier that names a generic
// function of the cells (generic) renamed; prefix+text+suffix is the
// chunk's source for the parser. Names of fields, methods, selectors,
// composite-literal keys and labels are not references and stay.
func genericRename(prefix, text, suffix string, generic func(string) bool) string {
	if generic == nil {
		return text
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, parser.SkipObjectResolution)
	if err != nil {
		return text // analyze reports the error
	}
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - len(prefix) }
	skip := map[*ast.Ident]bool{}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if n.Recv != nil {
				skip[n.Name] = true
			}
		case *ast.SelectorExpr:
			skip[n.Sel] = true
		case *ast.InterfaceType:
			for _, m := range n.Methods.List {
				for _, nm := range m.Names {
					skip[nm] = true
				}
			}
		case *ast.StructType:
			for _, fl := range n.Fields.List {
				for _, nm := range fl.Names {
					skip[nm] = true
				}
			}
		case *ast.CompositeLit:
			for _, e := range n.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					if id, ok := kv.Key.(*ast.Ident); ok {
						skip[id] = true
					}
				}
			}
		case *ast.LabeledStmt:
			skip[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				skip[n.Label] = true
			}
		case *ast.Ident:
			if !skip[n] && generic(n.Name) && off(n.Pos()) >= 0 {
				pos := fset.Position(n.End())
				edits = append(edits, edit{off(n.Pos()), off(n.End()), genericPrefix + n.Name + lineDirective(pos)})
			}
		}
		return true
	})
	return applyEdits(text, edits)
}

// lineDirective returns a /*line*/ comment that puts what follows at pos.
func lineDirective(pos token.Position) string {
	return "/*line _.go:" + strconv.Itoa(pos.Line) + ":" + strconv.Itoa(pos.Column) + "*/"
}
