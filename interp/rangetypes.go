package interp

import (
	"go/ast"
	"go/types"
	"reflect"
)

// Range over an integer and over a function (Go 1.22, 1.23), which yaegi
// v0.16.1 does not compile. Which of the two a `range x` is depends on x's
// type, which go/types tells when x is a constant, or is declared in the
// cell or an earlier one (see typecheck.go), or x is a variable of an
// earlier cell (its run-time type). Such loops are rewritten (see
// loopvar.go):
//
//	for i := range n { BODY }   →  for __wnN, __wiN := n, T(0); __wiN < __wnN; __wiN++ { i := __wiN; { BODY } }
//	for k, v := range seq { BODY }  →  for __woN := true; __woN; __woN = false { var __wcN int; seq(func(k K, v V) bool { __wcN = func() int { { BODY }; return 0 }(); return __wcN == 0 }); if __wcN == 1 { break }; … }
//
// with the body's jumps translated as for any loop body run as a function.
// Other ranges over a value of unknown type are left to yaegi; if it
// cannot compile them the error says how to write the loop instead.

// rangeHint is added to a compile error that may come from a range over
// an integer or a function of a type warren could not tell.
const rangeHint = "(if this is a range over an integer or a function: warren rewrites those when it can tell the type of the ranged value — a constant, len(…), a variable, parameter or function declared in a cell; not a value of a type from a package, such as iter.Seq; otherwise write `for i := 0; i < n; i++`, or call the function with a yield func: `seq(func(x T) bool { …; return true })`)"

// rangeInfo is what a range over an integer or a function needs.
type rangeInfo struct {
	fn     bool     // range over a function
	intTyp string   // the integer's type (range over an integer); "" for x-x
	params []string // the yield function's parameter types (range over a function)
}

// rangeTypes finds the ranges over integers and functions in f.
// Where go/types cannot tell, a range over an identifier an earlier cell
// declared uses that variable's type (known).
func rangeTypes(f *ast.File, info *types.Info, known earlier) map[*ast.RangeStmt]*rangeInfo {
	var ranges []*ast.RangeStmt
	ast.Inspect(f, func(n ast.Node) bool {
		if r, ok := n.(*ast.RangeStmt); ok {
			ranges = append(ranges, r)
		}
		return true
	})
	if len(ranges) == 0 {
		return nil
	}
	qual := qualifier
	out := map[*ast.RangeStmt]*rangeInfo{}
	for _, r := range ranges {
		if c, ok := r.X.(*ast.CallExpr); ok {
			if id, ok := c.Fun.(*ast.Ident); ok && (id.Name == "len" || id.Name == "cap") {
				out[r] = &rangeInfo{intTyp: "int"}
				continue
			}
		}
		tv, ok := info.Types[r.X]
		if !ok || tv.Type == nil || containsInvalid(tv.Type) {
			if ri := fromGlobal(r.X, known); ri != nil {
				out[r] = ri
			}
			continue
		}
		switch u := tv.Type.Underlying().(type) {
		case *types.Basic:
			if u.Info()&types.IsInteger == 0 {
				continue
			}
			t := types.Default(tv.Type)
			out[r] = &rangeInfo{intTyp: types.TypeString(t, qual)}
		case *types.Signature:
			if u.Params().Len() != 1 || u.Results().Len() != 0 {
				continue
			}
			y, ok := u.Params().At(0).Type().Underlying().(*types.Signature)
			if !ok || y.Results().Len() != 1 {
				continue
			}
			ri := &rangeInfo{fn: true}
			valid := true
			for i := range y.Params().Len() {
				t := y.Params().At(i).Type()
				valid = valid && !hasInvalid(t)
				ri.params = append(ri.params, types.TypeString(t, qual))
			}
			if valid {
				out[r] = ri
			}
		}
	}
	return out
}

// hasInvalid reports whether t mentions a type go/types could not resolve.
func hasInvalid(t types.Type) bool {
	return types.TypeString(t, nil) == "invalid type" || containsInvalid(t)
}

func containsInvalid(t types.Type) bool {
	switch t := t.(type) {
	case *types.Basic:
		return t.Kind() == types.Invalid
	case *types.Pointer:
		return containsInvalid(t.Elem())
	case *types.Slice:
		return containsInvalid(t.Elem())
	case *types.Array:
		return containsInvalid(t.Elem())
	case *types.Map:
		return containsInvalid(t.Key()) || containsInvalid(t.Elem())
	case *types.Chan:
		return containsInvalid(t.Elem())
	}
	return false
}

// fromGlobal tells a range over an earlier cell's variable x of integer or
// function type from its run-time type.
func fromGlobal(x ast.Expr, known earlier) *rangeInfo {
	id, ok := x.(*ast.Ident)
	if !ok || known == nil {
		return nil
	}
	v := known.global(id.Name)
	if !v.IsValid() {
		return nil
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return &rangeInfo{} // the counter is x-x: x's own type
	case reflect.Func:
		if t.NumIn() != 1 || t.NumOut() != 0 {
			return nil
		}
		y := t.In(0)
		if y.Kind() != reflect.Func || y.NumOut() != 1 || y.Out(0).Kind() != reflect.Bool {
			return nil
		}
		ri := &rangeInfo{fn: true}
		for i := range y.NumIn() {
			p := y.In(i)
			if !unnamed(p) {
				return nil // a type name that may not be valid in the cell
			}
			ri.params = append(ri.params, p.String())
		}
		return ri
	}
	return nil
}

// unnamed reports whether t is spelled the same in any cell: built of
// predeclared types only.
func unnamed(t reflect.Type) bool {
	if t.Name() != "" {
		return t.PkgPath() == "" // int, string, error…
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
		return unnamed(t.Elem())
	case reflect.Map:
		return unnamed(t.Key()) && unnamed(t.Elem())
	}
	return false
}
