package interp

import (
	"go/ast"
	"go/token"
	"go/types"
	"strconv"
)

// Two places where a cell type's value reaches an interface and yaegi
// v0.16.1 answers differently from Go, found with go/types:
//
//   - A nil pointer of a cell type returned as an interface (`var p *myErr;
//     return p` from a func returning error) becomes a nil interface in the
//     interpreter, where Go returns a non-nil error holding a nil pointer —
//     the classic typed-nil trap, which a program's `err == nil` then
//     answers the other way. Such returns check the pointer first
//     (NilReturn) and fail with an InterpreterLimit error when it is nil.
//   - A value of a cell type whose String or Error method has a pointer
//     receiver, printed by package fmt: Go does not call the method (the
//     value's method set lacks it), the interpreter does. The argument is
//     converted to its underlying type, which prints as Go prints the value.

// nilReturn is a return operand to check: its text and types, for the
// message.
type nilReturn struct{ ptr, iface string }

// typedNilReturns returns, by the offset of the operand, the return
// operands of pointer-to-cell-type type whose result type is an interface.
// Only plain names and field selections are checked (they can be evaluated
// twice).
func typedNilReturns(f *ast.File, info *types.Info, cellOff func(token.Pos) int) map[int]nilReturn {
	out := map[int]nilReturn{}
	var sigs []*types.Signature
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncDecl:
			if obj, ok := info.Defs[n.Name].(*types.Func); ok && n.Body != nil {
				sigs = append(sigs, obj.Type().(*types.Signature))
				ast.Inspect(n.Body, visit)
				sigs = sigs[:len(sigs)-1]
			}
			return false
		case *ast.FuncLit:
			if tv, ok := info.Types[n]; ok {
				if sig, ok := tv.Type.(*types.Signature); ok {
					sigs = append(sigs, sig)
					ast.Inspect(n.Body, visit)
					sigs = sigs[:len(sigs)-1]
				}
			}
			return false
		case *ast.ReturnStmt:
			if len(sigs) == 0 {
				return true
			}
			res := sigs[len(sigs)-1].Results()
			if res.Len() != len(n.Results) {
				return true
			}
			for i, r := range n.Results {
				switch ast.Unparen(r).(type) {
				case *ast.Ident, *ast.SelectorExpr:
				default:
					continue
				}
				if !types.IsInterface(res.At(i).Type()) {
					continue
				}
				tv, ok := info.Types[r]
				if !ok || tv.Type == nil {
					continue
				}
				p, ok := tv.Type.(*types.Pointer)
				if !ok {
					continue
				}
				if named, ok := p.Elem().(*types.Named); ok && named.Obj().Pkg() != nil && named.Obj().Pkg().Path() == "p" {
					out[cellOff(r.Pos())] = nilReturn{types.TypeString(p, qualifier), types.TypeString(res.At(i).Type(), qualifier)}
				}
			}
		}
		return true
	}
	ast.Inspect(f, visit)
	return out
}

// hiddenPtrMethods returns, by offset, the arguments of fmt's print
// functions whose type is a cell type (not a pointer) with a String or
// Error method on its pointer type only, with the underlying type to
// convert them to.
func hiddenPtrMethods(f *ast.File, info *types.Info, cellOff func(token.Pos) int) map[int]string {
	out := map[int]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "fmt" {
			return true
		}
		for _, a := range call.Args {
			tv, ok := info.Types[a]
			if !ok || tv.Type == nil {
				continue
			}
			named, ok := tv.Type.(*types.Named)
			if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "p" || named.TypeParams() != nil {
				continue
			}
			if hasMethod(named, "String", "Error") || !hasMethod(types.NewPointer(named), "String", "Error") {
				continue
			}
			u := types.TypeString(named.Underlying(), qualifier)
			out[cellOff(a.Pos())] = u
		}
		return true
	})
	return out
}

func hasMethod(t types.Type, names ...string) bool {
	ms := types.NewMethodSet(t)
	for _, n := range names {
		if ms.Lookup(nil, n) != nil {
			return true
		}
	}
	return false
}

// typedNilEdits rewrites the return operands and print arguments found.
func typedNilEdits(f *ast.File, off func(token.Pos) int, text string, typed typedAt) []edit {
	if typed.ct == nil || (len(typed.ct.nilRets) == 0 && len(typed.ct.ptrStr) == 0) {
		return nil
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ReturnStmt:
			for _, r := range n.Results {
				if off(r.Pos()) < 0 {
					continue
				}
				nr, ok := typed.ct.nilRets[typed.cellOff(off(r.Pos()))]
				if !ok {
					continue
				}
				src := "(" + text[off(r.Pos()):off(r.End())] + ")"
				edits = append(edits, edit{off(n.Pos()), off(n.Pos()),
					"{ " + goHook + ".NilReturn(" + src + " == nil, " + strconv.Quote(nr.ptr) + ", " + strconv.Quote(nr.iface) + "); "},
					edit{off(n.End()), off(n.End()), " }"})
			}
		case *ast.CallExpr:
			for _, a := range n.Args {
				if off(a.Pos()) < 0 {
					continue
				}
				if u, ok := typed.ct.ptrStr[typed.cellOff(off(a.Pos()))]; ok {
					edits = append(edits, edit{off(a.Pos()), off(a.Pos()), "(" + u + ")("},
						edit{off(a.End()), off(a.End()), ")"})
				}
			}
		}
		return true
	})
	return edits
}

// nilReturnHook is __warren.NilReturn.
func nilReturnHook(isNil bool, ptr, iface string) {
	if isNil {
		panic(&userTypeError{"a nil " + ptr + " returned as " + iface + ": in Go that is a non-nil " + iface + " holding a nil pointer, but the interpreter makes it a nil " + iface + ", so err == nil would answer the other way: return nil explicitly when there is nothing to return, or run the code in a %%native cell"})
	}
}
