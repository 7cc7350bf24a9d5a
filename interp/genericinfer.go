package interp

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// Inferred type arguments. yaegi v0.16.1 infers the type arguments of a
// call of a generic function only in simple cases: `Map(xs, strconv.Itoa)`
// for `func Map[T, U any](xs []T, f func(T) U) []U` fails with "undefined
// type for U", `Sum(1, 2, 3)` for `func Sum[T Number](xs ...T) T` with
// "undefined type for T". With the type arguments written out it compiles
// both. So where go/types inferred them for a call of a generic function of
// the cells, they are written into the call: `Map[int, string](xs,
// strconv.Itoa)` (typeArgEdits). Type arguments that cannot be written in
// the cell (a package it does not import, a type local to a function, a
// compiled generic type) leave the call as it is.

// inferredTypeArgs returns, by the offset (cellOff) of the end of the
// function's name, the type arguments go/types inferred for the uses of
// the cells' generic functions written without them, as source ("[int,
// string]"). pkgs are the package names the cell has.
func inferredTypeArgs(f *ast.File, info *types.Info, cellOff func(token.Pos) int, pkgs map[string]bool) map[int]string {
	explicit := map[*ast.Ident]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.IndexExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				explicit[id] = true
			}
		case *ast.IndexListExpr:
			if id, ok := n.X.(*ast.Ident); ok {
				explicit[id] = true
			}
		}
		return true
	})
	out := map[int]string{}
	for id, inst := range info.Instances {
		if explicit[id] || !cellGenericFunc(info.Uses[id]) {
			continue
		}
		var args []string
		ok := true
		for i := range inst.TypeArgs.Len() {
			t := inst.TypeArgs.At(i)
			if containsInvalid(t) || hasInvalid(t) || compiledGeneric(t) || hasLocalType(t) {
				ok = false
				break
			}
			args = append(args, types.TypeString(t, func(p *types.Package) string {
				if p.Path() == "p" {
					return ""
				}
				ok = ok && pkgs[p.Name()]
				return p.Name()
			}))
		}
		if ok && len(args) > 0 {
			out[cellOff(id.End())] = "[" + strings.Join(args, ", ") + "]"
		}
	}
	return out
}

// cellGenericFunc reports whether obj is a generic function (not a
// method) of the cells.
func cellGenericFunc(obj types.Object) bool {
	fn, ok := obj.(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "p" {
		return false
	}
	sig, ok := fn.Type().(*types.Signature)
	return ok && sig.Recv() == nil && sig.TypeParams().Len() > 0
}

// uninferredGenericCall reports whether f uses a generic function of the
// cells without type arguments whose inference go/types could not finish
// (an argument of a package's type: the first check has empty packages).
func uninferredGenericCall(f *ast.File, info *types.Info) bool {
	found := false
	ast.Inspect(f, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok || found {
			return !found
		}
		id, ok := c.Fun.(*ast.Ident)
		if !ok || !cellGenericFunc(info.Uses[id]) {
			return true
		}
		inst, ok := info.Instances[id]
		if !ok {
			found = true
			return false
		}
		for i := range inst.TypeArgs.Len() {
			if t := inst.TypeArgs.At(i); containsInvalid(t) || hasInvalid(t) {
				found = true
			}
		}
		return !found
	})
	return found
}

// hasLocalType reports whether t mentions a named type declared inside a
// function.
func hasLocalType(t types.Type) bool {
	seen := map[types.Type]bool{}
	var walk func(t types.Type) bool
	walk = func(t types.Type) bool {
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
		switch t := t.(type) {
		case *types.Named:
			o := t.Obj()
			if o.Pkg() != nil && o.Parent() != o.Pkg().Scope() {
				return true
			}
			for i := range t.TypeArgs().Len() {
				if walk(t.TypeArgs().At(i)) {
					return true
				}
			}
		case *types.Pointer:
			return walk(t.Elem())
		case *types.Slice:
			return walk(t.Elem())
		case *types.Array:
			return walk(t.Elem())
		case *types.Chan:
			return walk(t.Elem())
		case *types.Map:
			return walk(t.Key()) || walk(t.Elem())
		case *types.Signature:
			for _, tup := range []*types.Tuple{t.Params(), t.Results()} {
				for i := range tup.Len() {
					if walk(tup.At(i).Type()) {
						return true
					}
				}
			}
		case *types.Struct:
			for i := range t.NumFields() {
				if walk(t.Field(i).Type()) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}

// typeArgEdits writes the type arguments inferredTypeArgs found into the
// chunk parsed as f.
func typeArgEdits(f *ast.File, off func(token.Pos) int, typed typedAt) []edit {
	if typed.ct == nil || len(typed.ct.targs) == 0 {
		return nil
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && off(id.End()) >= 0 {
			if s, ok := typed.ct.targs[typed.cellOff(off(id.End()))]; ok {
				edits = append(edits, edit{off(id.End()), off(id.End()), s})
			}
		}
		return true
	})
	return edits
}
