package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"math"
	"reflect"
)

// min and max. yaegi v0.16.1 does not know the Go 1.21 builtins. Where the
// type of the result can be read from the source — an operand that is a
// parameter, a variable declared with a type or from a typed conversion, or
// only literals — `min(a, b)` becomes `__warren.Min("float64", a, b).(float64)`:
// a compiled function converts the operands to that type and applies Go's
// rules (a NaN wins, -0.0 is less than 0.0). Elsewhere min and max stay
// undefined, and the error says what to write instead.

// basicTypes are the types minmaxEdits can name: predeclared ordered types.
var basicTypes = map[string]reflect.Type{
	"int": reflect.TypeFor[int](), "int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](),
	"int32": reflect.TypeFor[int32](), "rune": reflect.TypeFor[rune](), "int64": reflect.TypeFor[int64](),
	"uint": reflect.TypeFor[uint](), "uint8": reflect.TypeFor[uint8](), "byte": reflect.TypeFor[byte](),
	"uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](), "uint64": reflect.TypeFor[uint64](),
	"uintptr": reflect.TypeFor[uintptr](), "float32": reflect.TypeFor[float32](), "float64": reflect.TypeFor[float64](),
	"string": reflect.TypeFor[string](),
}

// minmaxEdits returns edits turning calls of the builtins min and max in f
// into calls of the session's Min and Max where their type is known.
// varType gives the types of variables declared outside f (earlier chunks
// and cells).
func minmaxEdits(f *ast.File, off func(token.Pos) int, shadowed func(string) bool, varType func(string) (string, bool)) []edit {
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		if d, ok := n.(*ast.GenDecl); ok && d.Tok == token.CONST {
			return false // a constant expression must stay one
		}
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() || len(call.Args) == 0 {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || (id.Name != "min" && id.Name != "max") || id.Obj != nil || (shadowed != nil && shadowed(id.Name)) {
			return true
		}
		typ, ok := minmaxType(call.Args, varType)
		if !ok {
			return true
		}
		hook := "Min"
		if id.Name == "max" {
			hook = "Max"
		}
		edits = append(edits,
			edit{off(id.Pos()), off(call.Lparen) + 1, fmt.Sprintf("%s.%s(%q, ", goHook, hook, typ)},
			edit{off(call.Rparen), off(call.Rparen) + 1, ").(" + typ + ")"})
		return true
	})
	return edits
}

// minmaxType returns the type of min(args...) or max(args...) when the
// source says it.
func minmaxType(args []ast.Expr, varType func(string) (string, bool)) (string, bool) {
	typ := ""
	lit := token.ILLEGAL // the "largest" literal kind: INT < CHAR < FLOAT; STRING
	for _, a := range args {
		if t, ok := exprType(a, varType); ok {
			if typ != "" && typ != t {
				return "", false
			}
			typ = t
			continue
		}
		k, ok := literalKind(a)
		if !ok {
			return "", false
		}
		switch {
		case lit == token.ILLEGAL:
			lit = k
		case (lit == token.STRING) != (k == token.STRING):
			return "", false
		case k == token.FLOAT || (k == token.CHAR && lit == token.INT):
			lit = k
		}
	}
	if typ == "" {
		typ = map[token.Token]string{token.INT: "int", token.CHAR: "rune", token.FLOAT: "float64", token.STRING: "string"}[lit]
	}
	rt, ok := basicTypes[typ]
	if !ok {
		return "", false
	}
	switch {
	case lit == token.STRING && rt.Kind() != reflect.String, lit != token.STRING && lit != token.ILLEGAL && rt.Kind() == reflect.String:
		return "", false
	case lit == token.FLOAT && rt.Kind() != reflect.Float32 && rt.Kind() != reflect.Float64:
		return "", false // Go rejects a float constant for an integer type
	}
	return typ, true
}

// literalKind returns the kind of a constant literal operand (-1, 2.5, "a").
func literalKind(e ast.Expr) (token.Token, bool) {
	switch e := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return e.Kind, e.Kind != token.IMAG
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			k, ok := literalKind(e.X)
			return k, ok && k != token.STRING
		}
	}
	return token.ILLEGAL, false
}

// exprType returns the type of e when the source spells it and it is a
// predeclared ordered type: a conversion, len or cap, a math function, a
// nested min or max, an element of a slice, array or map whose type is
// spelled, or a name declared with such a type or defined from such an
// expression (a parameter, var x T, x := T(…), x := 2.5).
func exprType(e ast.Expr, varType func(string) (string, bool)) (string, bool) {
	t := typeExpr(e, 0, varType)
	if id, ok := t.(*ast.Ident); ok {
		if _, basic := basicTypes[id.Name]; basic {
			return id.Name, true
		}
	}
	return "", false
}

// minOf is min and max for cells: it converts the operands to the type
// named typ and returns the least (or, with greatest, the greatest) as Go's
// builtins do: a NaN operand makes the result NaN, and -0.0 is less than 0.0.
func minOf(greatest bool, typ string, args ...any) any {
	t := basicTypes[typ]
	vs := make([]reflect.Value, len(args))
	for i, a := range args {
		v := reflect.ValueOf(a)
		if !v.IsValid() || !v.Type().ConvertibleTo(t) {
			panic(fmt.Sprintf("invalid argument: %v (%T) for min/max of %s", a, a, typ))
		}
		vs[i] = v.Convert(t)
	}
	best := vs[0]
	for _, v := range vs[1:] {
		if less(v, best) != greatest && !equalValues(v, best) {
			best = v
		}
		if t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64 {
			x, b := v.Float(), best.Float()
			switch {
			case math.IsNaN(x) || math.IsNaN(b):
				best = reflect.ValueOf(math.NaN()).Convert(t)
			case x == 0 && b == 0 && math.Signbit(x) != math.Signbit(b):
				if math.Signbit(x) != greatest {
					best = v
				}
			}
		}
	}
	return best.Interface()
}

func less(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() < b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() < b.Uint()
	case reflect.Float32, reflect.Float64:
		return a.Float() < b.Float()
	}
	return a.String() < b.String()
}

func equalValues(a, b reflect.Value) bool { return !less(a, b) && !less(b, a) }

// minmaxSymbols are the session's Min and Max hooks.
func minmaxSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Min": reflect.ValueOf(func(typ string, args ...any) any { return minOf(false, typ, args...) }),
		"Max": reflect.ValueOf(func(typ string, args ...any) any { return minOf(true, typ, args...) }),
	}
}
