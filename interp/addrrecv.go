package interp

import (
	"go/ast"
	"go/token"
	"go/types"
)

// A call of a pointer-receiver method on an addressable variable, x.M(…),
// is (&x).M(…) in Go. yaegi v0.16.1 compiles the first form by copying x
// (reflect.Value.Interface) before taking the method: a data race with any
// goroutine that changes x meanwhile — a sync.Mutex in x being locked, the
// common case. addrRecvEdits writes the second form wherever go/types tells
// that M has a pointer receiver and x is an addressable value.

// addrReceivers returns, by offset in the cell, the receivers x of calls
// x.M(…) that need the explicit &. Calls of go and defer statements are
// left to their own rewrites, which bind their receivers.
func addrReceivers(f *ast.File, info *types.Info, cellOff func(token.Pos) int) map[int]bool {
	out := map[int]bool{}
	bound := map[*ast.CallExpr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			bound[n.Call] = true
		case *ast.DeferStmt:
			bound[n.Call] = true
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok || bound[n] {
				return true
			}
			s := info.Selections[sel]
			if s == nil || s.Kind() != types.MethodVal {
				return true
			}
			sig, ok := s.Obj().Type().(*types.Signature)
			if !ok || sig.Recv() == nil {
				return true
			}
			if _, ptrRecv := sig.Recv().Type().(*types.Pointer); !ptrRecv {
				return true
			}
			tv, ok := info.Types[sel.X]
			if !ok || !tv.Addressable() {
				return true
			}
			if _, isPtr := tv.Type.Underlying().(*types.Pointer); isPtr {
				return true
			}
			switch ast.Unparen(sel.X).(type) {
			case *ast.Ident, *ast.SelectorExpr, *ast.IndexExpr:
				out[cellOff(sel.X.Pos())] = true
			}
		}
		return true
	})
	return out
}

// addrRecvEdits writes (&x) for the receivers addrReceivers found.
func addrRecvEdits(f *ast.File, off func(token.Pos) int, typed typedAt) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || off(sel.X.Pos()) < 0 || !typed.addrRecvAt(off(sel.X.Pos())) {
			return true
		}
		edits = append(edits,
			edit{off(sel.X.Pos()), off(sel.X.Pos()), "(&"},
			edit{off(sel.X.End()), off(sel.X.End()), ")"})
		return true
	})
	return edits
}
