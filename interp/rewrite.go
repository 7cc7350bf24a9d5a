package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"sort"
	"strings"
)

// Source rewrites applied to every chunk before yaegi sees it. Each keeps
// the chunk's lines where they are, so positions still map to the cell.

// rewrite applies the session's source rewrites to a chunk's text: go
// statements (see goEdits), task names (see remoteNameEdits), in a
// statement chunk (stmts) function scopes (see scopeEdits), and the extra
// edits given. f is the
// parse of prefix+text with len(prefix) == base. Lines do not move.
func rewrite(fset *token.FileSet, f *ast.File, base int, text string, stmts bool, extra []edit) string {
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - base }
	edits := append(goEdits(f, off), remoteNameEdits(f, off)...)
	edits = append(edits, extra...)
	if stmts {
		body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
		edits = append(edits, scopeEdits(body, off)...)
	}
	if len(edits) == 0 {
		return text
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].pos < edits[j].pos })
	var b strings.Builder
	at := 0
	for _, e := range edits {
		if e.pos < at || e.pos < 0 || e.end > len(text) {
			continue
		}
		b.WriteString(text[at:e.pos])
		b.WriteString(e.repl)
		at = e.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// scopeEdits wraps a top-level compound statement (for, if, switch, select,
// a block) in `func() { … }()` when yaegi v0.16.1 compiles it wrongly at the
// top level and correctly inside a function: when it assigns several values
// from one expression (`a, b := f()`, `v, ok := m[k]`, `if _, ok := x.(T); ok`
// fail with "undefined: a" or an internal "nil type" panic), or declares
// variables in its body (`for i := 0; i < 3; i++ { i := i; … }` never ends).
// Such a statement declares nothing at the top level, so nothing else
// changes.
func scopeEdits(body []ast.Stmt, off func(token.Pos) int) []edit {
	var edits []edit
	for _, st := range body {
		inner := st
		if l, ok := st.(*ast.LabeledStmt); ok {
			inner = l.Stmt
		}
		switch inner.(type) {
		case *ast.ForStmt, *ast.RangeStmt, *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt, *ast.BlockStmt:
		default:
			continue
		}
		if !assignsSeveralFromOne(inner) && !declaresInBody(inner) {
			continue
		}
		edits = append(edits,
			edit{off(st.Pos()), off(st.Pos()), "func() { "},
			edit{off(st.End()), off(st.End()), " }()"})
	}
	return edits
}

// assignsSeveralFromOne reports whether n, outside function literals,
// assigns or declares several variables from a single expression.
func assignsSeveralFromOne(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			found = found || (len(n.Lhs) > 1 && len(n.Rhs) == 1)
		case *ast.ValueSpec:
			found = found || (len(n.Names) > 1 && len(n.Values) == 1)
		}
		return !found
	})
	return found
}

// declaresInBody reports whether the body of compound statement st declares
// variables (:=, var, a range or if header with :=) outside function literals.
func declaresInBody(st ast.Stmt) bool {
	var bodies []ast.Node
	switch st := st.(type) {
	case *ast.ForStmt:
		bodies = append(bodies, st.Body)
	case *ast.RangeStmt:
		bodies = append(bodies, st.Body)
	case *ast.IfStmt:
		bodies = append(bodies, st.Body)
		if st.Else != nil {
			bodies = append(bodies, st.Else)
		}
	case *ast.SwitchStmt:
		bodies = append(bodies, st.Body)
	case *ast.TypeSwitchStmt:
		bodies = append(bodies, st.Body)
	case *ast.SelectStmt:
		bodies = append(bodies, st.Body)
	case *ast.BlockStmt:
		bodies = append(bodies, st)
	}
	found := false
	for _, b := range bodies {
		ast.Inspect(b, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.AssignStmt:
				found = found || n.Tok == token.DEFINE
			case *ast.RangeStmt:
				found = found || n.Tok == token.DEFINE
			case *ast.DeclStmt:
				found = true
			}
			return !found
		})
	}
	return found
}

// An edit replaces text[pos:end] with repl.
type edit struct {
	pos, end int
	repl     string
}

// builtins are the predeclared functions, which a go statement cannot pass
// as values.
var builtins = map[string]bool{
	"append": true, "cap": true, "clear": true, "close": true, "complex": true, "copy": true,
	"delete": true, "imag": true, "len": true, "make": true, "max": true, "min": true, "new": true,
	"panic": true, "print": true, "println": true, "real": true, "recover": true,
}

// goEdits turns every `go f(args)` into `__warren.Go(f, args)`, which runs
// f on a goroutine that recovers its panics and routes its output to the
// cell. Calls of builtins and calls with `...` become
// `__warren.Go(func(){ f(args) })`.
func goEdits(f *ast.File, off func(token.Pos) int) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		call := g.Call
		id, isIdent := call.Fun.(*ast.Ident)
		if call.Ellipsis.IsValid() || (isIdent && builtins[id.Name]) {
			edits = append(edits,
				edit{off(g.Go), off(call.Fun.Pos()), goHook + ".Go(func(){ "},
				edit{off(call.End()), off(call.End()), " })"})
			return true
		}
		repl := ""
		if len(call.Args) > 0 {
			repl = ", "
		}
		edits = append(edits,
			edit{off(g.Go), off(call.Fun.Pos()), goHook + ".Go("},
			edit{off(call.Lparen), off(call.Lparen) + 1, repl})
		return true
	})
	return edits
}

// remoteNameEdits names the tasks of remote functions after the cell's own
// names, as Ray names tasks after the decorated function: a function is
// anonymous to reflection once interpreted, so `slow := ray.Remote(func…)`
// and `ray.Remote(slowFunction)` become `ray.Remote(…).Options(ray.TaskName("slow"))`
// and `…TaskName("slowFunction")`. The name shows in the timeline and in
// task errors; an explicit TaskName option given later still wins.
func remoteNameEdits(f *ast.File, off func(token.Pos) int) []edit {
	var edits []edit
	done := map[*ast.CallExpr]bool{}
	var name func(call ast.Expr, lhs string)
	name = func(call ast.Expr, lhs string) {
		c, ok := call.(*ast.CallExpr)
		if !ok || done[c] {
			return
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if ok && sel.Sel.Name == "Options" {
			// ray.Remote(fn).Options(…): name the inner call.
			name(sel.X, lhs)
			return
		}
		if !ok || sel.Sel.Name != "Remote" || len(c.Args) != 1 || c.Ellipsis.IsValid() {
			return
		}
		done[c] = true
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "ray" {
			return
		}
		if id, ok := c.Args[0].(*ast.Ident); ok {
			lhs = id.Name
		}
		if lhs == "" || lhs == "_" {
			return
		}
		p := off(c.End())
		edits = append(edits, edit{p, p, fmt.Sprintf(".Options(ray.TaskName(%q))", lhs)})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if len(n.Lhs) == len(n.Rhs) {
				for i, r := range n.Rhs {
					lhs := ""
					if id, ok := n.Lhs[i].(*ast.Ident); ok {
						lhs = id.Name
					}
					name(r, lhs)
				}
			}
		case *ast.ValueSpec:
			if len(n.Names) == len(n.Values) {
				for i, v := range n.Values {
					name(v, n.Names[i].Name)
				}
			}
		case *ast.CallExpr:
			name(n, "")
		}
		return true
	})
	return edits
}
