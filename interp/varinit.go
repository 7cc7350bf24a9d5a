package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// yaegi v0.16.1 gives the zero value, silently, to a variable declared
// with an initializer that calls a generic function (`var n int =
// slices.Max(s)`, `var k = First(xs)` inside a function). The plain
// assignment is right, so varInitRewrite splits such declarations:
//
//	var x T = e   →  var x T; x = e   (at a cell's top level and in functions)
//	var x = e     →  x := e           (in a function body; at the top level
//	                                    x := e is what yaegi compiles anyway)
//
// Only declarations whose initializers call something are rewritten, and
// none whose initializers mention a name being declared (`var x = x + 1`
// refers to an outer x). Lines do not move; a line directive before each
// initializer keeps its columns.
func varInitRewrite(prefix, text, suffix string, stmts bool) string {
	if !strings.Contains(text, "var") {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, parser.SkipObjectResolution)
	if err != nil {
		return text // analyze reports the error
	}
	src := func(n ast.Node) string { return text[off(n.Pos()):off(n.End())] }
	restore := func(p token.Pos) string { return lineDirective(fset.Position(p)) }
	top := map[ast.Stmt]bool{}
	if stmts {
		for _, st := range f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List {
			top[st] = true
		}
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		ds, ok := n.(*ast.DeclStmt)
		if !ok {
			return true
		}
		gd, ok := ds.Decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR || off(ds.Pos()) < 0 {
			return true
		}
		var specEdits []edit
		changed := false
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			repl, ok := splitSpec(vs, top[ds], src, restore)
			if !ok {
				repl = "var " + src(vs)
			} else {
				changed = true
			}
			specEdits = append(specEdits, edit{off(vs.Pos()), off(vs.End()), repl + ";"})
		}
		if !changed {
			return true
		}
		if !gd.Lparen.IsValid() {
			edits = append(edits, edit{off(ds.Pos()), off(ds.End()), strings.TrimSuffix(specEdits[0].repl, ";")})
			return true
		}
		// var ( … ): each spec where it was, so lines do not move.
		edits = append(edits, edit{off(gd.Pos()), off(gd.Lparen) + 1, ""})
		edits = append(edits, specEdits...)
		edits = append(edits, edit{off(gd.Rparen), off(gd.Rparen) + 1, ""})
		return true
	})
	return applyEdits(text, edits)
}

// splitSpec returns the statements that replace `var` spec vs, or false
// when vs stays as it is. top says whether the declaration is at a cell's
// top level.
func splitSpec(vs *ast.ValueSpec, top bool, src func(ast.Node) string, restore func(token.Pos) string) (string, bool) {
	if len(vs.Values) == 0 || (vs.Type == nil && top) {
		return "", false
	}
	declared := map[string]bool{}
	var names []string
	for _, n := range vs.Names {
		declared[n.Name] = true
		names = append(names, n.Name)
	}
	calls, selfRef := false, false
	for _, v := range vs.Values {
		ast.Inspect(v, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				calls = true
			case *ast.Ident:
				selfRef = selfRef || declared[n.Name]
			}
			return true
		})
	}
	if !calls || selfRef {
		return "", false
	}
	var vals []string
	for _, v := range vs.Values {
		vals = append(vals, restore(v.Pos())+src(v))
	}
	lhs := strings.Join(names, ", ")
	if vs.Type == nil {
		return lhs + " := " + strings.Join(vals, ", "), true
	}
	return "var " + lhs + " " + src(vs.Type) + "; " + lhs + " = " + strings.Join(vals, ", "), true
}
