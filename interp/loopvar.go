package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/printer"
	"go/token"
	"strings"
)

// Per-iteration loop variables (Go 1.22) for yaegi v0.16.1, which gives a
// function one frame: a loop variable, and every variable declared in a
// loop body, is one slot shared by all iterations, so closures, goroutines,
// defers and pointers made in a loop see the last value.
//
// A fresh frame is a function call, so the body of a loop that can capture
// a variable (it contains a func literal, a go statement, a `&` or a method
// value) runs as
//
//	for i := 0; i < n; i++ { __wv1_i := i; __wc1 := func() int { i := __wv1_i; _ = i; { BODY }; return 0 }(); if __wc1 == 1 { break }; … }
//
// with the body's jumps that leave it translated into result codes: an
// unlabelled break (or one naming the loop) becomes `return 1`, a continue
// `return 0`; a break, continue or goto to a label outside the body, and a
// return from the enclosing function, become `return k` (k ≥ 2) with the
// jump itself done after the call (return values go through temporaries
// declared at the top of the enclosing function, typed from its result
// list). When the body assigns the loop variable of a three-clause loop (or
// takes its address), a deferred write-back (`defer func() { __wv1_i = i }()`
// in the body's function, `i = __wv1_i` after the call) carries the value
// to the next iteration, as in Go. Defers in such a body must run when the
// function returns, not when the iteration does: every defer of that
// function then goes to a list run by one deferred __warren.RunDefers (see
// deferargs.go); recover() in a function deferred that way inside the body
// would look at the body's frame, so it is rejected with an error.

// loopWrap is what the rewrite needs to know about one wrapped loop.
type loopWrap struct {
	stmt   ast.Stmt // *ast.ForStmt or *ast.RangeStmt
	body   *ast.BlockStmt
	wrap   bool       // the body runs as a function
	rng    *rangeInfo // a range over an integer or a function
	n      int
	vars   []string
	write  bool            // three-clause loop whose body assigns a loop variable
	labels map[string]bool // labels declared in the body
	exits  []string        // exits[k-2]: the jump done after the call for code k
	keys   map[string]int
}

// code returns the result code for a jump leaving the body, registering
// the statement that does the jump after the call.
func (w *loopWrap) code(key, exit string) int {
	if k, ok := w.keys[key]; ok {
		return k
	}
	w.exits = append(w.exits, exit)
	k := len(w.exits) + 1
	w.keys[key] = k
	return k
}

// loopFunc is a function (declaration or literal) whose body holds wrapped
// loops.
type loopFunc struct {
	typ     *ast.FuncType
	body    *ast.BlockStmt
	n       int
	results []string // result types, one per result
	temps   bool     // a return leaves a wrapped body: declare __wrN_k
	defers  bool     // a defer is inside a wrapped body: all defers go to a list
}

// loopRewriter collects the edits of one chunk.
type loopRewriter struct {
	fset  *token.FileSet
	off   func(token.Pos) int
	edits []edit
	n     int
	errs  []error
	// wrapped marks loops whose bodies are wrapped (scopeEdits must then
	// also wrap a top-level one: it declares variables in its body).
	wrapped map[ast.Stmt]bool
	typed   typedAt // what go/types tells of the cell (see typecheck.go)
}

// loopEdits returns the edits giving the loops of f per-iteration
// variables, and the loops it wraps. An error names a construct it cannot
// translate.
func loopEdits(fset *token.FileSet, f *ast.File, off func(token.Pos) int, typed typedAt) ([]edit, map[ast.Stmt]bool, error) {
	r := &loopRewriter{fset: fset, off: off, wrapped: map[ast.Stmt]bool{}, typed: typed}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			r.function(fd.Type, fd.Body)
		}
	}
	if len(r.errs) > 0 {
		return nil, nil, r.errs[0]
	}
	return r.edits, r.wrapped, nil
}

// function rewrites the loops of one function body; func literals inside
// it are functions of their own.
func (r *loopRewriter) function(typ *ast.FuncType, body *ast.BlockStmt) {
	r.n++
	fn := &loopFunc{typ: typ, body: body, n: r.n}
	if typ.Results != nil {
		for _, fld := range typ.Results.List {
			t := r.typeText(fld.Type)
			for range max(1, len(fld.Names)) {
				fn.results = append(fn.results, t)
			}
		}
	}
	loops := map[ast.Stmt]*loopWrap{}
	var stack []ast.Node
	var lits []*ast.FuncLit
	var defers []*ast.DeferStmt
	var plain []*loopWrap // ranges over integers whose bodies need no function
	// Pass 1: the loops to wrap.
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			lits = append(lits, n)
			return false
		case *ast.ForStmt:
			if r.captures(n.Body) {
				w := r.newLoop(n, n.Body)
				w.wrap = true
				loops[n] = w
			}
		case *ast.RangeStmt:
			ri := r.typed.rangeAt(r.off(n.X.Pos()))
			if wrap := r.captures(n.Body) || (ri != nil && ri.fn); wrap || ri != nil {
				w := r.newLoop(n, n.Body)
				w.rng, w.wrap = ri, wrap
				if wrap {
					loops[n] = w
				} else {
					plain = append(plain, w)
				}
			}
		}
		return true
	})
	// Pass 2: jumps, returns and defers inside wrapped bodies.
	ast.Inspect(body, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		switch n := n.(type) {
		case *ast.BranchStmt:
			r.branch(fn, loops, stack, n)
		case *ast.ReturnStmt:
			r.ret(fn, loops, stack, n)
		case *ast.DeferStmt:
			defers = append(defers, n)
			if innermost(loops, stack) != nil {
				fn.defers = true
				if recovers(n.Call) {
					r.errs = append(r.errs, fmt.Errorf("%s: recover() in a function deferred inside a loop body that makes closures, goroutines or pointers is not supported (each iteration runs in its own function): move the loop into a function and defer the recovering function outside the loop", r.fset.Position(n.Pos())))
				}
			}
		}
		stack = append(stack, n)
		return true
	})
	r.finish(fn, loops)
	for _, w := range plain {
		r.loopText(w)
	}
	r.deferEdits(fn, defers)
	for _, l := range lits {
		r.function(l.Type, l.Body)
	}
}

func (r *loopRewriter) newLoop(st ast.Stmt, body *ast.BlockStmt) *loopWrap {
	r.n++
	w := &loopWrap{stmt: st, body: body, n: r.n, labels: map[string]bool{}, keys: map[string]int{}}
	switch st := st.(type) {
	case *ast.ForStmt:
		if as, ok := st.Init.(*ast.AssignStmt); ok && as.Tok == token.DEFINE {
			for _, l := range as.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
					w.vars = append(w.vars, id.Name)
				}
			}
			w.write = assigns(body, w.vars)
		}
	case *ast.RangeStmt:
		if st.Tok == token.DEFINE {
			for _, e := range []ast.Expr{st.Key, st.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
					w.vars = append(w.vars, id.Name)
				}
			}
		}
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			w.labels[n.Label.Name] = true
		}
		return true
	})
	r.wrapped[st] = true
	return w
}

// captures reports whether a loop body can capture a variable: it holds a
// func literal, a go statement, takes an address, or makes a method value
// (x.M not called, which binds x or &x) that go/types knows of.
func (r *loopRewriter) captures(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit, *ast.GoStmt:
			found = true
		case *ast.UnaryExpr:
			found = found || n.Op == token.AND
		case *ast.SelectorExpr:
			found = found || r.typed.methodValueAt(r.off(n.Pos()))
		}
		return !found
	})
	return found
}

// assigns reports whether body (func literals included) assigns one of
// names, increments it or takes its address.
func assigns(body *ast.BlockStmt, names []string) bool {
	return assignsTo(body, func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return false
		}
		for _, n := range names {
			if id.Name == n {
				return true
			}
		}
		return false
	})
}

// assignsTo reports whether n (func literals included) assigns an
// expression is accepts, increments it, takes its address or ranges into it.
func assignsTo(n ast.Node, is func(ast.Expr) bool) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				found = found || is(l)
			}
		case *ast.IncDecStmt:
			found = found || is(n.X)
		case *ast.UnaryExpr:
			found = found || (n.Op == token.AND && is(n.X))
		case *ast.RangeStmt:
			found = found || (n.Tok == token.ASSIGN && ((n.Key != nil && is(n.Key)) || (n.Value != nil && is(n.Value))))
		}
		return !found
	})
	return found
}

// innermost returns the innermost wrapped loop whose body encloses the end
// of stack, and its index in stack.
func innermost(loops map[ast.Stmt]*loopWrap, stack []ast.Node) *loopWrap {
	w, _ := innermostAt(loops, stack)
	return w
}

func innermostAt(loops map[ast.Stmt]*loopWrap, stack []ast.Node) (*loopWrap, int) {
	for i := len(stack) - 1; i >= 0; i-- {
		if st, ok := stack[i].(ast.Stmt); ok {
			if w := loops[st]; w != nil && i+1 < len(stack) && stack[i+1] == w.body {
				return w, i
			}
		}
	}
	return nil, -1
}

// jump returns the statement that does the jump (kind, label) at the end
// of stack, where return values, if any, are already in the function's
// temporaries: the jump itself outside wrapped bodies, `return k` inside.
func (r *loopRewriter) jump(fn *loopFunc, loops map[ast.Stmt]*loopWrap, stack []ast.Node, kind token.Token, label string, vals bool) string {
	plain := func() string {
		switch kind {
		case token.RETURN:
			if !vals {
				return "return"
			}
			var ts []string
			for k := range fn.results {
				ts = append(ts, fmt.Sprintf("__wr%d_%d", fn.n, k))
			}
			return "return " + strings.Join(ts, ", ")
		default:
			return strings.TrimSpace(kind.String() + " " + label)
		}
	}
	w, wi := innermostAt(loops, stack)
	if w == nil {
		return plain()
	}
	var target ast.Stmt // the statement a break or continue leaves
	switch {
	case kind == token.GOTO:
		if w.labels[label] {
			return plain()
		}
	case kind == token.RETURN:
	case label != "":
		for i := len(stack) - 1; i >= 0; i-- {
			if l, ok := stack[i].(*ast.LabeledStmt); ok && l.Label.Name == label {
				target = l.Stmt
				break
			}
		}
	default:
		for i := len(stack) - 1; i >= 0 && target == nil; i-- {
			switch st := stack[i].(type) {
			case *ast.ForStmt, *ast.RangeStmt:
				target = st.(ast.Stmt)
			case *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
				if kind == token.BREAK {
					target = st.(ast.Stmt)
				}
			}
		}
	}
	if target != nil {
		if target == w.stmt {
			if kind == token.BREAK {
				return "return 1"
			}
			return "return 0"
		}
		for _, n := range stack[wi+1:] {
			if n == target {
				return plain() // a statement inside the body
			}
		}
	}
	key := fmt.Sprintf("%s %s %v", kind, label, vals)
	exit := r.jump(fn, loops, stack[:wi], kind, label, vals)
	return fmt.Sprintf("return %d", w.code(key, exit))
}

func (r *loopRewriter) branch(fn *loopFunc, loops map[ast.Stmt]*loopWrap, stack []ast.Node, b *ast.BranchStmt) {
	if b.Tok == token.FALLTHROUGH || innermost(loops, stack) == nil {
		return
	}
	label := ""
	if b.Label != nil {
		label = b.Label.Name
	}
	repl := r.jump(fn, loops, stack, b.Tok, label, false)
	if repl != strings.TrimSpace(b.Tok.String()+" "+label) {
		r.edits = append(r.edits, edit{r.off(b.Pos()), r.off(b.End()), repl})
	}
}

func (r *loopRewriter) ret(fn *loopFunc, loops map[ast.Stmt]*loopWrap, stack []ast.Node, ret *ast.ReturnStmt) {
	if innermost(loops, stack) == nil {
		return
	}
	vals := len(ret.Results) > 0
	repl := r.jump(fn, loops, stack, token.RETURN, "", vals)
	if !vals {
		r.edits = append(r.edits, edit{r.off(ret.Pos()), r.off(ret.End()), repl})
		return
	}
	fn.temps = true
	temp := func(k int) string { return fmt.Sprintf("__wr%d_%d", fn.n, k) }
	if len(ret.Results) != len(fn.results) {
		// return f(): one assignment of all results.
		var ts []string
		for k := range fn.results {
			ts = append(ts, temp(k))
		}
		r.edits = append(r.edits,
			edit{r.off(ret.Pos()), r.off(ret.Pos()) + len("return"), "{ " + strings.Join(ts, ", ") + " ="},
			edit{r.off(ret.End()), r.off(ret.End()), "; " + repl + " }"})
		return
	}
	// One assignment per result: a struct literal goes through a pointer
	// (see compositeAssignEdits), which yaegi gets wrong in a multiple
	// assignment.
	structs := r.typed.structResultsAt(r.off(fn.typ.Pos()))
	lhs := func(k int) string {
		if _, lit := ast.Unparen(ret.Results[k]).(*ast.CompositeLit); lit && k < len(structs) && structs[k] {
			return "*(&" + temp(k) + ") = "
		}
		return temp(k) + " = "
	}
	r.edits = append(r.edits, edit{r.off(ret.Pos()), r.off(ret.Results[0].Pos()), "{ " + lhs(0)})
	for k := 1; k < len(ret.Results); k++ {
		r.edits = append(r.edits, edit{r.off(ret.Results[k-1].End()), r.off(ret.Results[k].Pos()), "; " + lhs(k)})
	}
	r.edits = append(r.edits, edit{r.off(ret.End()), r.off(ret.End()), "; " + repl + " }"})
}

// finish adds the edits wrapping each loop body and the declarations at
// the top of the function.
func (r *loopRewriter) finish(fn *loopFunc, loops map[ast.Stmt]*loopWrap) {
	var top strings.Builder
	if fn.temps {
		for k, t := range fn.results {
			fmt.Fprintf(&top, "var __wr%d_%d %s; ", fn.n, k, t)
		}
	}
	if fn.defers {
		fmt.Fprintf(&top, "var __wd%d []func(); defer %s.RunDefers(&__wd%d); ", fn.n, goHook, fn.n)
	}
	if top.Len() > 0 {
		// (A statement chunk's wrapper function starts before its text.)
		p := max(r.off(fn.body.Lbrace)+1, 0)
		r.edits = append(r.edits, edit{p, p, top.String()})
	}
	for _, w := range loops {
		r.loopText(w)
	}
}

// loopText adds the edits of one loop: its body run as a function
// (w.wrap), a range over an integer or a function rewritten (w.rng).
func (r *loopRewriter) loopText(w *loopWrap) {
	var pre, post strings.Builder
	lbrace, rbrace := r.off(w.body.Lbrace)+1, r.off(w.body.Rbrace)
	rs, _ := w.stmt.(*ast.RangeStmt)
	name := func(e ast.Expr) string {
		if id, ok := e.(*ast.Ident); ok {
			return id.Name
		}
		return "_"
	}
	if w.rng != nil && w.rng.fn {
		var params, assigns []string
		for k, t := range w.rng.params {
			var v ast.Expr
			if k == 0 {
				v = rs.Key
			} else if k == 1 {
				v = rs.Value
			}
			p := "_"
			if v != nil && rs.Tok == token.DEFINE {
				p = name(v)
			} else if v != nil && name(v) != "_" {
				p = fmt.Sprintf("__wy%d_%d", w.n, k)
				assigns = append(assigns, fmt.Sprintf("%s = %s; ", name(v), p))
			}
			params = append(params, p+" "+t)
		}
		r.edits = append(r.edits,
			edit{r.off(rs.For), r.off(rs.X.Pos()), fmt.Sprintf("for __wo%d := true; __wo%d; __wo%d = false { var __wc%d int; ", w.n, w.n, w.n, w.n)},
			edit{r.off(rs.X.End()), lbrace, fmt.Sprintf("(func(%s) bool { %s__wc%d = func() int { { ", strings.Join(params, ", "), strings.Join(assigns, ""), w.n)})
		fmt.Fprintf(&post, "}; return 0 }(); return __wc%d == 0 }); ", w.n)
	} else {
		if w.rng != nil {
			// Range over an integer: a hidden counter, the key set from it.
			zero := w.rng.intTyp + "(0)"
			if w.rng.intTyp == "" {
				zero = rs.X.(*ast.Ident).Name + " - " + rs.X.(*ast.Ident).Name
			}
			r.edits = append(r.edits,
				edit{r.off(rs.For), r.off(rs.X.Pos()), fmt.Sprintf("for __wn%d, __wi%d := ", w.n, w.n)},
				edit{r.off(rs.X.End()), r.off(w.body.Lbrace), fmt.Sprintf(", %s; __wi%d < __wn%d; __wi%d++ ", zero, w.n, w.n, w.n)})
			if rs.Key != nil && name(rs.Key) != "_" {
				if rs.Tok == token.DEFINE {
					fmt.Fprintf(&pre, "%s := __wi%d; _ = %s; ", name(rs.Key), w.n, name(rs.Key))
				} else {
					fmt.Fprintf(&pre, "%s = __wi%d; ", name(rs.Key), w.n)
				}
			}
			if !w.wrap {
				pre.WriteString("{ ")
				post.WriteString("} ")
			}
		}
		if w.wrap {
			for _, v := range w.vars {
				fmt.Fprintf(&pre, "__wv%d_%s := %s; ", w.n, v, v)
			}
			fmt.Fprintf(&pre, "__wc%d := func() int { ", w.n)
			for _, v := range w.vars {
				fmt.Fprintf(&pre, "%s := __wv%d_%s; _ = %s; ", v, w.n, v, v)
			}
			if w.write {
				pre.WriteString("defer func() { ")
				for _, v := range w.vars {
					fmt.Fprintf(&pre, "__wv%d_%s = %s; ", w.n, v, v)
				}
				pre.WriteString("}(); ")
			}
			pre.WriteString("{ ")
			post.WriteString("}; return 0 }(); ")
			if w.write {
				for _, v := range w.vars {
					fmt.Fprintf(&post, "%s = __wv%d_%s; ", v, w.n, v)
				}
			}
		}
	}
	if w.wrap {
		fmt.Fprintf(&post, "if __wc%d == 1 { break }; ", w.n)
		for k, e := range w.exits {
			fmt.Fprintf(&post, "if __wc%d == %d { %s }; ", w.n, k+2, e)
		}
	}
	if pre.Len() > 0 {
		r.edits = append(r.edits, edit{lbrace, lbrace, pre.String()})
	}
	r.edits = append(r.edits, edit{rbrace, rbrace, post.String()})
}

// typeText prints a type expression on one line.
func (r *loopRewriter) typeText(e ast.Expr) string {
	var b bytes.Buffer
	printer.Fprint(&b, token.NewFileSet(), e)
	t := strings.NewReplacer("{\n", "{", "\n}", "}", "\n", "; ").Replace(b.String())
	return strings.Join(strings.Fields(t), " ")
}
