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
func rewrite(fset *token.FileSet, f *ast.File, base int, text string, stmts bool, extra []edit, typed typedAt) (string, error) {
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - base }
	edits := chanRangeEdits(f, fset, off, typed) // first: see chanRangeEdits
	edits = append(edits, goEdits(f, off, text, typed)...)
	edits = append(edits, remoteNameEdits(f, off)...)
	edits = append(edits, extra...)
	edits = append(edits, methodValueEdits(f, off, typed)...)
	edits = append(edits, compositeAssignEdits(f, off, typed)...)
	edits = append(edits, addrRecvEdits(f, off, typed)...)
	edits = append(edits, genericDefEdits(f, off, typed, stmts)...)
	edits = append(edits, typedNilEdits(f, off, text, typed)...)
	edits = append(edits, boundsEdits(f, fset, off, typed)...)
	edits = append(edits, typeArgEdits(f, off, typed)...)
	edits = append(edits, parkEdits(f, fset, off, text, typed)...)
	loops, wrapped, err := loopEdits(fset, f, off, typed)
	if err != nil {
		return text, err
	}
	edits = append(edits, loops...)
	if stmts {
		body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
		edits = append(edits, scopeEdits(body, off, wrapped)...)
		// No End hook at the end of a statement chunk: the goexit hook
		// (runtime.Goexit) already tells a chunk cut short, and each hook
		// call costs about 2 KB of interpreter state per chunk for the
		// session's life (tests/soak).
	}
	if len(edits) == 0 {
		return text, nil
	}
	// By position; at one position, insertions before replacements.
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].pos != edits[j].pos {
			return edits[i].pos < edits[j].pos
		}
		return edits[i].end == edits[i].pos && edits[j].end != edits[j].pos
	})
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
	return b.String(), nil
}

// scopeEdits wraps a top-level compound statement (for, if, switch, select,
// a block) in `func() { … }()` when yaegi v0.16.1 compiles it wrongly at the
// top level and correctly inside a function: when it assigns several values
// from one expression (`a, b := f()`, `v, ok := m[k]`, `if _, ok := x.(T); ok`
// fail with "undefined: a" or an internal "nil type" panic), or declares
// variables in its body (`for i := 0; i < 3; i++ { i := i; … }` never ends).
// Such a statement declares nothing at the top level, so nothing else
// changes.
func scopeEdits(body []ast.Stmt, off func(token.Pos) int, wrapped map[ast.Stmt]bool) []edit {
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
		if !assignsSeveralFromOne(inner) && !declaresInBody(inner) && !wrapsLoop(inner, wrapped) {
			continue
		}
		edits = append(edits,
			edit{off(st.Pos()), off(st.Pos()), "func() { "},
			edit{off(st.End()), off(st.End()), " }()"})
	}
	return edits
}

// wrapsLoop reports whether st holds a loop whose body loopEdits runs as a
// function (that declares variables in the loop's body).
func wrapsLoop(st ast.Stmt, wrapped map[ast.Stmt]bool) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		if s, ok := n.(ast.Stmt); ok && wrapped[s] {
			found = true
		}
		return !found
	})
	return found
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

// goEdits keeps yaegi's own go statement and adds what a cell's goroutine
// needs: `go f(a, b)` becomes
//
//	func() { __gf, __ga0, __ga1 := f, a, b; __gt := __warren.GoStart(); go func() { defer __gt.Exit(); defer func() { __gt.Done(recover()) }(); __gt.Enter(); __gf(__ga0, __ga1); __gt.Returned() }() }()
//
// The function value and the arguments are evaluated at the go statement,
// in a frame of their own (yaegi shares a function's frame across loop
// iterations, so a closure over a block's variable would read it late); the
// goroutine's output goes to the cell that started it (Enter), and a panic
// is recovered and reported under that cell (Done); Exit, a compiled
// deferred call, runs even when an interrupt aborted the goroutine's
// interpreted code, and gives up its hold of the compile gate. Literal constant
// arguments and constants named by identifiers are repeated in the call,
// keeping their untyped conversion to the parameter's type. A builtin (not
// a value), and a method or package function x.f (a method value of a
// compiled type gets the wrong type in yaegi v0.16.1), is called by name in
// the goroutine with its arguments evaluated first, so a method's receiver
// is read when the goroutine starts — unless go/types knows the receiver's
// type: then `go x.M(a)` binds x (or &x, *x) and a at once, as a deferred
// call does (see deferTypes). The text of f, a and b stays in place.
func goEdits(f *ast.File, off func(token.Pos) int, text string, typed typedAt) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		g, ok := n.(*ast.GoStmt)
		if !ok {
			return true
		}
		call := g.Call
		m := typed.deferAt(off(call.Pos()))
		if m != nil && m.fn != "" && !call.Ellipsis.IsValid() {
			// A method of a type go/types knows: receiver and arguments
			// bound now, as for a deferred call (see deferTypes).
			sel := call.Fun.(*ast.SelectorExpr)
			sep := ""
			if len(call.Args) > 0 {
				sep = ", "
			}
			edits = append(edits,
				edit{off(g.Go), off(sel.X.Pos()), "func() { __gf := " + m.fn + "(" + m.recv + "("},
				edit{off(sel.X.End()), off(call.Lparen) + 1, ")" + sep},
				edit{off(call.Rparen), off(call.End()), "); " + fmt.Sprintf("__gt := %s.GoStart(); go func() { defer __gt.Exit(); defer func() { __gt.Done(recover()) }(); __gt.Enter(); __gf(); __gt.Returned() }() }()", goHook)})
			return true
		}
		id, isIdent := call.Fun.(*ast.Ident)
		// fn is called by name in the goroutine: a builtin (not a value),
		// or a selector (a method value of a compiled type has the wrong
		// type in yaegi v0.16.1, so the receiver is read in the goroutine).
		fn := "__gf"
		if isIdent && builtins[id.Name] {
			fn = id.Name
		} else if sel, ok := call.Fun.(*ast.SelectorExpr); ok && !hasFuncLit(sel) && off(sel.End()) <= len(text) {
			fn = text[off(sel.Pos()):off(sel.End())]
		}
		builtin := fn != "__gf"
		var lhs, args []string
		if !builtin {
			lhs = append(lhs, "__gf")
		}
		var sel *ast.SelectorExpr
		if m != nil && m.fn == "" {
			// A value receiver whose type go/types knows: copied now
			// into __gr, the method called on it in the goroutine.
			sel = call.Fun.(*ast.SelectorExpr)
			fn = "__gr." + m.name
			lhs = []string{"__gr"}
		}
		for k, a := range call.Args {
			if typed.multiAt(off(a.Pos())) && !hasFuncLit(a) {
				// f(g()) with g returning several values: g is called
				// in the goroutine.
				lhs = append(lhs, "_")
				args = append(args, text[off(a.Pos()):off(a.End())])
				edits = append(edits, edit{off(a.Pos()), off(a.End()), "0"})
				continue
			}
			if lit, ok := constLit(a, off, text, typed); ok {
				lhs = append(lhs, "_")
				args = append(args, lit)
				continue
			}
			name := fmt.Sprintf("__ga%d", k)
			lhs = append(lhs, name)
			if k == len(call.Args)-1 && call.Ellipsis.IsValid() {
				name += "..."
				edits = append(edits, edit{off(call.Ellipsis), off(call.Ellipsis) + 3, ""})
			}
			args = append(args, name)
		}
		tail := fmt.Sprintf("__gt := %s.GoStart(); go func() { defer __gt.Exit(); defer func() { __gt.Done(recover()) }(); __gt.Enter(); %s(%s); __gt.Returned() }() }()",
			goHook, fn, strings.Join(args, ", "))
		head := "func() { "
		named := false
		for _, l := range lhs {
			named = named || l != "_"
		}
		switch {
		case named:
			head += strings.Join(lhs, ", ") + " := "
		case len(lhs) > 0:
			head += strings.Join(lhs, ", ") + " = "
		}
		switch {
		case sel != nil && len(call.Args) == 0:
			edits = append(edits,
				edit{off(g.Go), off(sel.X.Pos()), head + m.recv + "("},
				edit{off(sel.X.End()), off(call.End()), "); " + tail})
		case sel != nil:
			edits = append(edits,
				edit{off(g.Go), off(sel.X.Pos()), head + m.recv + "("},
				edit{off(sel.X.End()), off(call.Lparen) + 1, "), "},
				edit{off(call.Rparen), off(call.End()), "; " + tail})
		case len(lhs) == 0: // a builtin without arguments
			edits = append(edits, edit{off(g.Go), off(call.End()), head + tail})
		case builtin:
			edits = append(edits,
				edit{off(g.Go), off(call.Lparen) + 1, head},
				edit{off(call.Rparen), off(call.End()), "; " + tail})
		case len(call.Args) == 0:
			edits = append(edits,
				edit{off(g.Go), off(call.Fun.Pos()), head},
				edit{off(call.Lparen), off(call.End()), "; " + tail})
		default:
			edits = append(edits,
				edit{off(g.Go), off(call.Fun.Pos()), head},
				edit{off(call.Lparen), off(call.Lparen) + 1, ", "},
				edit{off(call.Rparen), off(call.End()), "; " + tail})
		}
		return true
	})
	return edits
}

// compositeAssignEdits turns `x = T{…}` into `*(&x) = T{…}` when x is a
// struct variable (go/types): yaegi v0.16.1 loses the assignment of a
// struct literal to a variable a closure captured (the variable keeps its
// old value), which loop bodies run as functions (loopvar.go) would
// otherwise make common. Through a pointer it is right. (Not for an
// interface variable, which yaegi cannot set through a pointer.)
func compositeAssignEdits(f *ast.File, off func(token.Pos) int, typed typedAt) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
			return true // (yaegi fails on *(&x), y = T{…}, nil: "reflect: New(nil)")
		}
		for i, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if _, lit := ast.Unparen(as.Rhs[i]).(*ast.CompositeLit); ok && lit && typed.structAssignAt(off(id.Pos())) {
				edits = append(edits,
					edit{off(id.Pos()), off(id.Pos()), "*(&"},
					edit{off(id.End()), off(id.End()), ")"})
			}
		}
		return true
	})
	return edits
}

// hasFuncLit reports whether n contains a func literal.
func hasFuncLit(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		_, lit := n.(*ast.FuncLit)
		found = found || lit
		return !found
	})
	return found
}

// constLit returns the text of a literal constant expression (a basic
// literal, possibly signed or parenthesized, or an operation on such), or
// of an identifier naming a constant (of the cell or an earlier one).
func constLit(e ast.Expr, off func(token.Pos) int, text string, typed typedAt) (string, bool) {
	if id, ok := e.(*ast.Ident); ok && typed.constAt(off(id.Pos())) {
		return id.Name, true
	}
	ok := true
	ast.Inspect(e, func(n ast.Node) bool {
		switch n := n.(type) {
		case nil, *ast.BasicLit, *ast.ParenExpr, *ast.BinaryExpr:
		case *ast.Ident:
			ok = ok && (n.Name == "nil" || n.Name == "true" || n.Name == "false")
		case *ast.UnaryExpr:
			ok = ok && n.Op != token.AND && n.Op != token.ARROW
		default:
			ok = false
		}
		return ok
	})
	if !ok || off(e.Pos()) < 0 || off(e.End()) > len(text) {
		return "", false
	}
	return text[off(e.Pos()):off(e.End())], true
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
		if id, ok := shipArg(c.Args[0]).(*ast.Ident); ok {
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
