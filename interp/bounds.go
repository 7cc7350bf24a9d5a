package interp

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"sort"
)

// Index bounds. yaegi v0.16.1 indexes slices, arrays and strings through
// package reflect, so an index out of range panics with reflect's message
// ("reflect: slice index out of range"), without the index and length Go
// reports ("runtime error: index out of range [5] with length 3"). A
// program that prints a recovered runtime error would print the wrong
// text. So index expressions on slices, arrays and strings that go/types
// knows are checked in the cell's source, with Go's message:
//
//   - where the statement evaluates the index before anything with a side
//     effect (a call, a receive), the check goes in front of the statement:
//     `s += xs[i]` becomes
//     `if i < 0 || i >= len(xs) { panic(__warren.IndexError(i, len(xs))) }; s += xs[i]`
//     (two comparisons in the interpreter, see BenchmarkIndexCheck);
//   - elsewhere (a loop condition, the right of && or ||, after a call in
//     the same statement) the index goes through a hook:
//     `xs[__warren.Index(i, len(xs))]`, a call (about 10×);
//   - indexes that cannot be out of range are left alone: xs[i] in the
//     body of `for i := range xs` or `for i := 0; i < len(xs); i++` when
//     neither i nor xs is assigned there (nor xs in any function literal),
//     and constant indexes of arrays (go/types checks them).
//
// Both forms copy the indexed expression and the index, so both must be
// free of calls other than conversions and pure builtins (boundsPure);
// an index of anything else (f()[i]) keeps the interpreter's message.

// A boundsCheck is one index expression to check: the source of the
// indexed expression and of the index.
// intIdx: the index is an int or an untyped constant. A slice
// expression's check is all in stmt (see sliceCheck).
type boundsCheck struct {
	x, idx string
	intIdx bool
	stmt   string
}

// text is the statement form of the check. (An int index is compared as
// it is: in the interpreter a conversion to uint costs more than the
// second comparison.)
func (b boundsCheck) text() string {
	if b.stmt != "" {
		return b.stmt
	}
	if b.intIdx {
		return fmt.Sprintf("if %s < 0 || %s >= len(%s) { panic(%s.IndexError(%s, len(%s))) }; ", b.idx, b.idx, b.x, goHook, b.idx, b.x)
	}
	return fmt.Sprintf("if uint(%s) >= uint(len(%s)) { panic(%s.IndexError(%s, len(%s))) }; ", b.idx, b.x, goHook, b.idx, b.x)
}

// boundsChecks returns the checks of f's index expressions: by the offset
// (cellOff) of the statement they go in front of, and by the offset of the
// index for those that go through the hook. src is f's source.
func boundsChecks(f *ast.File, info *types.Info, src string, cellOff func(token.Pos) int) (hoist map[int][]boundsCheck, hook map[int]boundsCheck) {
	hoist, hook = map[int][]boundsCheck{}, map[int]boundsCheck{}
	text := func(n ast.Node) string { return src[int(n.Pos()-f.FileStart):int(n.End()-f.FileStart)] }
	check := func(e ast.Expr) boundsCheck {
		if se, ok := e.(*ast.SliceExpr); ok {
			return sliceCheck(se, info, text)
		}
		ix := e.(*ast.IndexExpr)
		intIdx := false
		if b, ok := info.Types[ix.Index].Type.(*types.Basic); ok {
			intIdx = b.Kind() == types.Int || b.Kind() == types.UntypedInt || b.Kind() == types.UntypedRune
		}
		return boundsCheck{x: text(ix.X), idx: text(ix.Index), intIdx: intIdx}
	}
	safe := safeIndexes(f, info)
	var checked []ast.Expr
	ast.Inspect(f, func(n ast.Node) bool {
		switch e := n.(type) {
		case *ast.IndexExpr:
			if needsCheck(e, info) && !safe[e] && boundsPure(e.X, info) {
				checked = append(checked, e)
			}
		case *ast.SliceExpr:
			if needsSliceCheck(e, info) && boundsPure(e.X, info) {
				checked = append(checked, e)
			}
		}
		return true
	})
	if len(checked) == 0 {
		return nil, nil
	}
	done := map[ast.Expr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		var list []ast.Stmt
		switch n := n.(type) {
		case *ast.BlockStmt:
			list = n.List
		case *ast.CaseClause:
			list = n.Body
		case *ast.CommClause:
			list = n.Body
		}
		for _, st := range list {
			roots, topCall := hoistRoots(st)
			var here []ast.Expr
			for _, ix := range checked {
				if !done[ix] && hoistable(ix, roots, topCall, info) {
					here = append(here, ix)
				}
			}
			// Inner expressions first (xs[ys[j]]: ys[j], then xs[…]), then
			// left to right; an assignment's right side before its left.
			if as, ok := st.(*ast.AssignStmt); ok && (as.Tok == token.ASSIGN || as.Tok == token.DEFINE) {
				sort.SliceStable(here, func(i, j int) bool {
					ri, rj := inExprs(here[i], as.Rhs), inExprs(here[j], as.Rhs)
					if ri != rj {
						return ri
					}
					return here[i].End() < here[j].End()
				})
			} else {
				sort.SliceStable(here, func(i, j int) bool { return here[i].End() < here[j].End() })
			}
			for _, ix := range here {
				done[ix] = true
				hoist[cellOff(st.Pos())] = append(hoist[cellOff(st.Pos())], check(ix))
			}
		}
		return true
	})
	for _, e := range checked {
		if ix, ok := e.(*ast.IndexExpr); ok && !done[ix] {
			hook[cellOff(ix.Index.Pos())] = check(ix)
		}
	}
	return hoist, hook
}

// inExprs reports whether n lies inside one of es.
func inExprs(n ast.Node, es []ast.Expr) bool {
	for _, e := range es {
		if e.Pos() <= n.Pos() && n.End() <= e.End() {
			return true
		}
	}
	return false
}

// needsCheck reports whether ix indexes a slice, an array (or a pointer
// to one) or a string with an index that may be out of range.
func needsCheck(ix *ast.IndexExpr, info *types.Info) bool {
	tv, ok := info.Types[ix.X]
	if !ok || tv.Type == nil || !tv.IsValue() {
		return false
	}
	itv, ok := info.Types[ix.Index]
	if !ok || itv.Type == nil {
		return false
	}
	if b, ok := itv.Type.Underlying().(*types.Basic); !ok || b.Info()&(types.IsInteger|types.IsUntyped) == 0 {
		return false
	}
	t := tv.Type.Underlying()
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem().Underlying()
	}
	switch t := t.(type) {
	case *types.Slice:
		return true
	case *types.Array:
		return itv.Value == nil // a constant index of an array is checked by the compiler
	case *types.Basic:
		return t.Info()&types.IsString != 0 && !(itv.Value != nil && tv.Value != nil)
	}
	return false
}

// pureBuiltins are the builtins that have no effect but their result.
var pureBuiltins = map[string]bool{"len": true, "cap": true, "min": true, "max": true, "complex": true, "real": true, "imag": true}

// boundsPure reports whether e can be evaluated twice with the same result
// and no effect: names, constants, field selections, operators, indexes,
// conversions and pure builtins of such.
func boundsPure(e ast.Expr, info *types.Info) bool {
	switch e := e.(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.ParenExpr:
		return boundsPure(e.X, info)
	case *ast.SelectorExpr:
		if s, ok := info.Selections[e]; ok {
			return s.Kind() == types.FieldVal && boundsPure(e.X, info)
		}
		_, pkg := e.X.(*ast.Ident)
		return pkg // a package's name
	case *ast.StarExpr:
		return boundsPure(e.X, info)
	case *ast.UnaryExpr:
		return e.Op != token.ARROW && boundsPure(e.X, info)
	case *ast.BinaryExpr:
		return boundsPure(e.X, info) && boundsPure(e.Y, info)
	case *ast.IndexExpr:
		return boundsPure(e.X, info) && boundsPure(e.Index, info)
	case *ast.CallExpr:
		if !sideFree(e, info) {
			return false
		}
		for _, a := range e.Args {
			if !boundsPure(a, info) {
				return false
			}
		}
		return true
	}
	return false
}

// sideFree reports whether the call is a conversion or a pure builtin.
func sideFree(c *ast.CallExpr, info *types.Info) bool {
	if tv, ok := info.Types[c.Fun]; ok && tv.IsType() {
		return true
	}
	if id, ok := ast.Unparen(c.Fun).(*ast.Ident); ok {
		if b, ok := info.Uses[id].(*types.Builtin); ok {
			return pureBuiltins[b.Name()]
		}
	}
	return false
}

// hoistRoots returns the expressions statement st evaluates before
// anything else it does, and for a go or defer statement its call (which
// runs later).
func hoistRoots(st ast.Stmt) ([]ast.Expr, *ast.CallExpr) {
	switch st := st.(type) {
	case *ast.ExprStmt:
		return []ast.Expr{st.X}, nil
	case *ast.AssignStmt:
		return append(append([]ast.Expr{}, st.Lhs...), st.Rhs...), nil
	case *ast.IncDecStmt:
		return []ast.Expr{st.X}, nil
	case *ast.SendStmt:
		return []ast.Expr{st.Chan, st.Value}, nil
	case *ast.ReturnStmt:
		return st.Results, nil
	case *ast.DeclStmt:
		var out []ast.Expr
		if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
			for _, sp := range g.Specs {
				out = append(out, sp.(*ast.ValueSpec).Values...)
			}
		}
		return out, nil
	case *ast.GoStmt:
		return []ast.Expr{st.Call}, st.Call
	case *ast.DeferStmt:
		return []ast.Expr{st.Call}, st.Call
	case *ast.IfStmt:
		if st.Init == nil {
			return []ast.Expr{st.Cond}, nil
		}
	case *ast.SwitchStmt:
		if st.Init == nil && st.Tag != nil {
			return []ast.Expr{st.Tag}, nil
		}
	}
	return nil, nil
}

// boundsOperands returns the index, or the bounds of a slice expression.
func boundsOperands(e ast.Expr) []ast.Expr {
	switch e := e.(type) {
	case *ast.IndexExpr:
		return []ast.Expr{e.Index}
	case *ast.SliceExpr:
		var out []ast.Expr
		for _, o := range []ast.Expr{e.Low, e.High, e.Max} {
			if o != nil {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// hoistable reports whether ix, inside the roots of a statement, is
// evaluated whenever the statement runs (not in a function literal, not
// on the right of && or ||) and after no call or receive of the statement
// that does not contain it (Go runs those first).
func hoistable(ix ast.Expr, roots []ast.Expr, topCall *ast.CallExpr, info *types.Info) bool {
	if !inExprs(ix, roots) {
		return false
	}
	for _, o := range boundsOperands(ix) {
		if !boundsPure(o, info) {
			return false
		}
	}
	ok := true
	for _, r := range roots {
		ast.Inspect(r, func(n ast.Node) bool {
			if !ok || n == nil {
				return false
			}
			contains := n.Pos() <= ix.Pos() && ix.End() <= n.End()
			inside := ix.Pos() <= n.Pos() && n.End() <= ix.End()
			switch n := n.(type) {
			case *ast.FuncLit:
				if contains {
					ok = false
				}
				return false
			case *ast.BinaryExpr:
				if (n.Op == token.LAND || n.Op == token.LOR) && n.Y.Pos() <= ix.Pos() && ix.End() <= n.Y.End() {
					ok = false
				}
			case *ast.CallExpr:
				if n != topCall && !contains && !inside && !sideFree(n, info) {
					ok = false
				}
			case *ast.UnaryExpr:
				if n.Op == token.ARROW && !contains && !inside {
					ok = false
				}
			}
			return ok
		})
	}
	return ok
}

// safeIndexes returns the index expressions xs[i] in the body of
// `for i := range xs` or `for i := 0; i < len(xs); i++` (xs a variable)
// where i is assigned nowhere else and xs nowhere in the body nor in any
// function literal: they cannot be out of range.
func safeIndexes(f *ast.File, info *types.Info) map[*ast.IndexExpr]bool {
	type span struct{ pos, end token.Pos }
	assigned := map[types.Object][]token.Pos{}
	inLit := map[types.Object]bool{}
	var lits []span
	note := func(e ast.Expr) {
		id, ok := ast.Unparen(e).(*ast.Ident)
		if !ok {
			return
		}
		obj := info.Uses[id]
		if obj == nil {
			return
		}
		assigned[obj] = append(assigned[obj], id.Pos())
		for _, l := range lits {
			if l.pos <= id.Pos() && id.End() <= l.end {
				inLit[obj] = true
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			lits = append(lits, span{n.Pos(), n.End()})
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				note(l)
			}
		case *ast.IncDecStmt:
			note(n.X)
		case *ast.UnaryExpr:
			if n.Op == token.AND {
				note(n.X)
			}
		case *ast.RangeStmt:
			if n.Tok == token.ASSIGN {
				if n.Key != nil {
					note(n.Key)
				}
				if n.Value != nil {
					note(n.Value)
				}
			}
		}
		return true
	})
	// assignedIn reports whether obj is assigned in body, other than at
	// except.
	assignedIn := func(obj types.Object, body ast.Node, except token.Pos) bool {
		for _, p := range assigned[obj] {
			if p != except && body.Pos() <= p && p < body.End() {
				return true
			}
		}
		return false
	}
	safe := map[*ast.IndexExpr]bool{}
	mark := func(body *ast.BlockStmt, k, x types.Object) {
		if k == nil || x == nil || inLit[x] || assignedIn(x, body, token.NoPos) {
			return
		}
		if _, ok := x.(*types.Var); !ok {
			return
		}
		ast.Inspect(body, func(n ast.Node) bool {
			if ix, ok := n.(*ast.IndexExpr); ok {
				xi, ok1 := ast.Unparen(ix.X).(*ast.Ident)
				ii, ok2 := ast.Unparen(ix.Index).(*ast.Ident)
				if ok1 && ok2 && info.Uses[xi] == x && info.Uses[ii] == k {
					safe[ix] = true
				}
			}
			return true
		})
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.RangeStmt:
			k, ok1 := n.Key.(*ast.Ident)
			x, ok2 := ast.Unparen(n.X).(*ast.Ident)
			if !ok1 || !ok2 || n.Tok != token.DEFINE {
				return true
			}
			kObj := info.Defs[k]
			if kObj == nil || len(assigned[kObj]) > 0 {
				return true
			}
			mark(n.Body, kObj, info.Uses[x])
		case *ast.ForStmt:
			init, ok := n.Init.(*ast.AssignStmt)
			if !ok || init.Tok != token.DEFINE || len(init.Lhs) != 1 || len(init.Rhs) != 1 {
				return true
			}
			k, ok := init.Lhs[0].(*ast.Ident)
			if !ok {
				return true
			}
			if tv, ok := info.Types[init.Rhs[0]]; !ok || tv.Value == nil || constant.Sign(tv.Value) < 0 {
				return true
			}
			cond, ok := n.Cond.(*ast.BinaryExpr)
			post, ok2 := n.Post.(*ast.IncDecStmt)
			if !ok || !ok2 || cond.Op != token.LSS || post.Tok != token.INC {
				return true
			}
			kObj := info.Defs[k]
			ci, ok := ast.Unparen(cond.X).(*ast.Ident)
			pi, ok2 := ast.Unparen(post.X).(*ast.Ident)
			if !ok || !ok2 || info.Uses[ci] != kObj || info.Uses[pi] != kObj {
				return true
			}
			lc, ok := ast.Unparen(cond.Y).(*ast.CallExpr)
			if !ok || len(lc.Args) != 1 {
				return true
			}
			if id, ok := ast.Unparen(lc.Fun).(*ast.Ident); !ok || !isBuiltin(info, id, "len") {
				return true
			}
			x, ok := ast.Unparen(lc.Args[0]).(*ast.Ident)
			if !ok || len(assigned[kObj]) != 1 || assigned[kObj][0] != pi.Pos() {
				return true
			}
			mark(n.Body, kObj, info.Uses[x])
		}
		return true
	})
	return safe
}

// isBuiltin reports whether id names the builtin function name.
func isBuiltin(info *types.Info, id *ast.Ident, name string) bool {
	b, ok := info.Uses[id].(*types.Builtin)
	return ok && b.Name() == name
}

// boundsEdits inserts the checks boundsChecks found in the chunk parsed as f.
func boundsEdits(f *ast.File, fset *token.FileSet, off func(token.Pos) int, typed typedAt) []edit {
	if typed.ct == nil || (len(typed.ct.hoist) == 0 && len(typed.ct.hook) == 0) {
		return nil
	}
	var edits []edit
	seen := map[int]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ExprStmt, *ast.AssignStmt, *ast.IncDecStmt, *ast.SendStmt, *ast.ReturnStmt, *ast.DeclStmt, *ast.GoStmt, *ast.DeferStmt, *ast.IfStmt, *ast.SwitchStmt:
			o := off(n.Pos())
			if o < 0 || seen[o] {
				return true
			}
			checks := typed.ct.hoist[typed.cellOff(o)]
			if len(checks) == 0 {
				return true
			}
			seen[o] = true
			s := ""
			for _, c := range checks {
				s += c.text()
			}
			edits = append(edits, edit{o, o, s + lineDirective(fset.Position(n.Pos()))})
		case *ast.IndexExpr:
			o := off(n.Index.Pos())
			if o < 0 {
				return true
			}
			if c, ok := typed.ct.hook[typed.cellOff(o)]; ok {
				edits = append(edits,
					edit{o, o, goHook + ".Index("},
					edit{off(n.Index.End()), off(n.Index.End()), ", len(" + c.x + "))"})
			}
		}
		return true
	})
	return edits
}

// boundsError is a run-time index error with Go's message.
type boundsError struct{ msg string }

// RuntimeError marks the error as a runtime.Error.
func (e boundsError) RuntimeError() {}

func (e boundsError) Error() string { return "runtime error: " + e.msg }

// indexError is __warren.IndexError: Go's error for index i (an integer
// of any type) of a value of length n.
func indexError(i any, n int) error {
	v := reflect.ValueOf(i)
	switch {
	case v.CanInt() && v.Int() < 0:
		return boundsError{fmt.Sprintf("index out of range [%d]", v.Int())}
	case v.CanInt():
		return boundsError{fmt.Sprintf("index out of range [%d] with length %d", v.Int(), n)}
	case v.CanUint():
		return boundsError{fmt.Sprintf("index out of range [%d] with length %d", v.Uint(), n)}
	}
	return boundsError{fmt.Sprintf("index out of range [%v] with length %d", i, n)}
}

// indexHook is __warren.Index: i (an integer of any type) as an int, or a
// panic with Go's error when it is out of range for length n.
func indexHook(i any, n int) int {
	if x, ok := i.(int); ok {
		if x < 0 || x >= n {
			panic(indexError(i, n))
		}
		return x
	}
	v := reflect.ValueOf(i)
	switch {
	case v.CanInt() && v.Int() >= 0 && v.Int() < int64(n):
		return int(v.Int())
	case v.CanUint() && v.Uint() < uint64(n):
		return int(v.Uint())
	}
	panic(indexError(i, n))
}
