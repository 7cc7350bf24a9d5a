package interp

import (
	"fmt"
	"go/ast"
	"go/types"
)

// Slice bounds, as index bounds (bounds.go): a slice expression on a slice,
// an array or a string whose bounds go/types does not know is checked in
// front of its statement, with the message of Go's runtime ("slice bounds
// out of range [:7] with capacity 3"). Slice expressions in other places
// (a loop condition, after a call) are not checked: a recovered error
// there is a runtime.Error with the interpreter's message (recovered).

// needsSliceCheck reports whether se slices a slice, an array (or a
// pointer to one) or a string with a bound that is not a constant.
func needsSliceCheck(se *ast.SliceExpr, info *types.Info) bool {
	tv, ok := info.Types[se.X]
	if !ok || tv.Type == nil || !tv.IsValue() {
		return false
	}
	switch sliceOperand(tv.Type) {
	case "", "string-const":
		return false
	}
	constant := true
	for _, o := range boundsOperands(se) {
		otv, ok := info.Types[o]
		if !ok || otv.Type == nil {
			return false
		}
		if b, ok := otv.Type.Underlying().(*types.Basic); !ok || b.Info()&(types.IsInteger|types.IsUntyped) == 0 {
			return false
		}
		constant = constant && otv.Value != nil
	}
	return !constant || sliceOperand(tv.Type) == "slice"
}

// sliceOperand tells what t is for slicing: "slice", "array" (or pointer
// to array), "string", or "".
func sliceOperand(t types.Type) string {
	u := t.Underlying()
	if p, ok := u.(*types.Pointer); ok {
		if _, ok := p.Elem().Underlying().(*types.Array); ok {
			return "array"
		}
		return ""
	}
	switch u := u.(type) {
	case *types.Slice:
		return "slice"
	case *types.Array:
		return "array"
	case *types.Basic:
		if u.Info()&types.IsString != 0 {
			return "string"
		}
	}
	return ""
}

// sliceCheck is the statement form of se's check: the bounds in Go's
// order of evaluation, with the hook building Go's message.
func sliceCheck(se *ast.SliceExpr, info *types.Info, text func(ast.Node) string) boundsCheck {
	x := text(se.X)
	limit, word := "cap("+x+")", "capacity"
	if sliceOperand(info.Types[se.X].Type) != "slice" {
		limit, word = "len("+x+")", "length"
	}
	operand := func(e ast.Expr, def string) string {
		if e == nil {
			return def
		}
		if b, ok := info.Types[e].Type.(*types.Basic); ok && (b.Kind() == types.Int || b.Kind() == types.UntypedInt || b.Kind() == types.UntypedRune) {
			return text(e)
		}
		return "int(" + text(e) + ")"
	}
	lo, hi := operand(se.Low, "0"), operand(se.High, "len("+x+")")
	if se.Slice3 {
		mx := operand(se.Max, limit)
		return boundsCheck{stmt: fmt.Sprintf("if %s < 0 || %s < %s || %s < %s || %s > %s { panic(%s.SliceError(%q, %s, %s, %s, %s)) }; ",
			lo, hi, lo, mx, hi, mx, limit, goHook, word+"3", lo, hi, mx, limit)}
	}
	if se.High == nil {
		// s[a:]: only a is checked, against len(s) ([a:len]).
		return boundsCheck{stmt: fmt.Sprintf("if %s < 0 || %s > len(%s) { panic(%s.SliceError(%q, %s, len(%s), 0, %s)) }; ",
			lo, lo, x, goHook, word, lo, x, limit)}
	}
	return boundsCheck{stmt: fmt.Sprintf("if %s < 0 || %s < %s || %s > %s { panic(%s.SliceError(%q, %s, %s, 0, %s)) }; ",
		lo, hi, lo, hi, limit, goHook, word, lo, hi, limit)}
}

// sliceError is __warren.SliceError: Go's error for slicing [lo:hi] (kind
// "capacity" or "length", as Go words the limit n) or [lo:hi:max] (kind
// "capacity3", "length3"), in the order Go checks the bounds.
func sliceError(kind string, lo, hi, max, n int) error {
	e := func(format string, a ...any) error {
		return boundsError{"slice bounds out of range " + fmt.Sprintf(format, a...)}
	}
	three := kind == "capacity3" || kind == "length3"
	word := kind
	if three {
		word = kind[:len(kind)-1]
	}
	if three {
		switch {
		case max < 0:
			return e("[::%d]", max)
		case max > n:
			return e("[::%d] with %s %d", max, word, n)
		case hi < 0:
			return e("[:%d:]", hi)
		case hi > max:
			return e("[:%d:%d]", hi, max)
		case lo < 0:
			return e("[%d::]", lo)
		}
		return e("[%d:%d:]", lo, hi)
	}
	switch {
	case hi < 0:
		return e("[:%d]", hi)
	case hi > n:
		return e("[:%d] with %s %d", hi, word, n)
	case lo < 0:
		return e("[%d:]", lo)
	}
	return e("[%d:%d]", lo, hi)
}

// reflectSliceFault reports whether a panic value is package reflect's
// for slicing out of range (yaegi slices through reflect).
func reflectSliceFault(r any) bool {
	s, ok := r.(string)
	return ok && (s == "reflect.Value.Slice: slice index out of bounds" || s == "reflect.Value.Slice3: slice index out of bounds" ||
		s == "reflect.Value.Slice: string slice index out of bounds")
}
