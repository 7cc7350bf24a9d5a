package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
)

// Type switches. yaegi v0.16.1's type switch misses matches its type
// assertions find: `case error:` for a compiled error, `case *tempErr:` for
// a cell error held in an error variable, `case *strconv.NumError:`. A type
// switch becomes an expression switch over the same assertions, in the same
// order, with the same bindings:
//
//	switch x := e.(type) {          switch __tsP := e; {
//	case T:                   →     case func() bool { _, ok := __tsP.(T); return ok }(): x := __tsP.(T); _ = x
//	case nil:                       case __tsP == nil: x := __tsP; _ = x
//	default:                        default: x := __tsP; _ = x
//
// break still leaves the switch. A switch whose header or case lists span
// lines is left alone (the rewrite keeps every line where it is).

// typeSwitchRewrite returns text with its type switches rewritten;
// prefix+text+suffix parses.
// In a statement chunk (stmts), a switch at the top level runs in a
// function literal, since its variables are local to it anyway.
func typeSwitchRewrite(prefix, text, suffix string, stmts bool) string {
	if !strings.Contains(text, ".(type)") {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, parser.SkipObjectResolution)
	if err != nil {
		return text
	}
	src := func(n ast.Node) string { return text[off(n.Pos()):off(n.End())] }
	line := func(p token.Pos) int { return fset.Position(p).Line }
	restore := func(p token.Pos) string {
		pos := fset.Position(p)
		return fmt.Sprintf("/*line _.go:%d:%d*/", pos.Line, pos.Column)
	}
	top := map[ast.Stmt]ast.Stmt{} // top-level type switch → the statement to wrap
	if stmts {
		for _, st := range f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List {
			inner := st
			if l, ok := st.(*ast.LabeledStmt); ok {
				inner = l.Stmt
			}
			top[inner] = st
		}
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		ts, ok := n.(*ast.TypeSwitchStmt)
		if !ok || line(ts.Switch) != line(ts.Body.Lbrace) {
			return true
		}
		var bind string
		var x ast.Expr
		switch a := ts.Assign.(type) {
		case *ast.AssignStmt:
			// The parser accepts any expression on the left ("0 := …");
			// go/types reports what is not a name.
			id, ok1 := a.Lhs[0].(*ast.Ident)
			ta, ok2 := a.Rhs[0].(*ast.TypeAssertExpr)
			if !ok1 || !ok2 {
				return true
			}
			bind, x = id.Name, ta.X
		case *ast.ExprStmt:
			ta, ok := a.X.(*ast.TypeAssertExpr)
			if !ok {
				return true
			}
			x = ta.X
		default:
			return true
		}
		for _, c := range ts.Body.List {
			cc := c.(*ast.CaseClause)
			if line(cc.Case) != line(cc.Colon) {
				return true
			}
		}
		if st, ok := top[ts]; ok {
			edits = append(edits, edit{off(st.Pos()), off(st.Pos()), "func() { "}, edit{off(st.End()), off(st.End()), " }()"})
		}
		v := fmt.Sprintf("__ts%d", off(ts.Switch))
		head := "switch "
		if ts.Init != nil {
			head += src(ts.Init) + "; "
		}
		head += v + " := " + src(x) + "; {"
		edits = append(edits, edit{off(ts.Switch), off(ts.Body.Lbrace) + 1, head + restore(ts.Body.Lbrace+1)})
		for _, c := range ts.Body.List {
			cc := c.(*ast.CaseClause)
			var conds []string
			for _, t := range cc.List {
				if id, ok := t.(*ast.Ident); ok && id.Name == "nil" {
					conds = append(conds, v+" == nil")
				} else {
					conds = append(conds, fmt.Sprintf("func() bool { _, ok := %s.(%s); return ok }()", v, src(t)))
				}
			}
			caseText := "default:"
			if cc.List != nil {
				caseText = "case " + strings.Join(conds, " || ") + ":"
			}
			if bind != "" {
				val := v
				if len(cc.List) == 1 {
					if id, ok := cc.List[0].(*ast.Ident); !ok || id.Name != "nil" {
						val = v + ".(" + src(cc.List[0]) + ")"
					}
				}
				caseText += fmt.Sprintf(" %s := %s; _ = %s;", bind, val, bind)
			}
			edits = append(edits, edit{off(cc.Case), off(cc.Colon) + 1, caseText + restore(cc.Colon+1)})
		}
		return true
	})
	return applyEdits(text, edits)
}
