package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"reflect"
	"strings"
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

// mathFloat are functions of package math that return a float64.
var mathFloat = map[string]bool{
	"Abs": true, "Ceil": true, "Copysign": true, "Cos": true, "Exp": true, "Floor": true, "Hypot": true,
	"Inf": true, "Log": true, "Log10": true, "Log2": true, "Max": true, "Min": true, "Mod": true, "NaN": true,
	"Pow": true, "Round": true, "Sin": true, "Sqrt": true, "Tan": true, "Trunc": true,
}

// typeExpr returns the type of e as written in the source, or nil.
func typeExpr(e ast.Expr, depth int, varType func(string) (string, bool)) ast.Expr {
	if depth > 8 {
		return nil
	}
	switch e := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		return e.Type
	case *ast.CallExpr:
		switch fn := ast.Unparen(e.Fun).(type) {
		case *ast.Ident:
			if fn.Obj != nil && fn.Obj.Kind != ast.Fun {
				return nil
			}
			if _, basic := basicTypes[fn.Name]; basic && len(e.Args) == 1 && fn.Obj == nil {
				return fn
			}
			if varType != nil {
				// A function of the cell or an earlier one: its result type.
				if t, ok := varType(fn.Name + "()"); ok {
					if x, err := parser.ParseExpr(t); err == nil {
						return x
					}
				}
			}
			switch fn.Name {
			case "len", "cap":
				return ast.NewIdent("int")
			case "make":
				if len(e.Args) > 0 {
					return e.Args[0]
				}
			case "new":
				if len(e.Args) == 1 {
					return &ast.StarExpr{X: e.Args[0]}
				}
			case "min", "max":
				if t, ok := minmaxType(e.Args, varType); ok {
					return ast.NewIdent(t)
				}
			}
		case *ast.SelectorExpr:
			if pkg, ok := fn.X.(*ast.Ident); ok && pkg.Obj == nil && pkg.Name == "math" && mathFloat[fn.Sel.Name] {
				return ast.NewIdent("float64")
			}
			return selectorType(fn, true, depth, varType)
		case *ast.ArrayType, *ast.MapType:
			return fn // a conversion
		}
	case *ast.BinaryExpr:
		switch e.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM:
			if t := typeExpr(e.X, depth+1, varType); t != nil {
				return t
			}
			return typeExpr(e.Y, depth+1, varType)
		}
	case *ast.TypeAssertExpr:
		return e.Type
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			if t := typeExpr(e.X, depth+1, varType); t != nil {
				return &ast.StarExpr{X: t}
			}
		}
	case *ast.StarExpr:
		if t, ok := typeExpr(e.X, depth+1, varType).(*ast.StarExpr); ok {
			return t.X
		}
	case *ast.SelectorExpr:
		return selectorType(e, false, depth, varType)
	case *ast.IndexExpr:
		switch t := typeExpr(e.X, depth+1, varType).(type) {
		case *ast.ArrayType:
			return t.Elt
		case *ast.MapType:
			return t.Value
		}
	case *ast.Ident:
		if e.Obj == nil && varType != nil {
			if t, ok := varType(e.Name); ok {
				if x, err := parser.ParseExpr(t); err == nil {
					return x
				}
			}
		}
		if e.Obj == nil || e.Obj.Kind != ast.Var {
			return nil
		}
		switch d := e.Obj.Decl.(type) {
		case *ast.Field:
			return d.Type
		case *ast.ValueSpec:
			if d.Type != nil {
				return d.Type
			}
			for i, n := range d.Names {
				if n.Name == e.Name && len(d.Values) == len(d.Names) {
					return typeExpr(d.Values[i], depth+1, varType)
				}
			}
		case *ast.AssignStmt:
			if u, ok := d.Rhs[0].(*ast.UnaryExpr); ok && u.Op == token.RANGE && len(d.Rhs) == 1 {
				// for k, v := range x (the parser's form of a range clause)
				return rangeType(e.Name, d.Lhs, typeExpr(u.X, depth+1, varType))
			}
			if len(d.Lhs) != len(d.Rhs) || d.Tok != token.DEFINE {
				return nil
			}
			for i, l := range d.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == e.Name {
					if t := typeExpr(d.Rhs[i], depth+1, varType); t != nil {
						return t
					}
					// x := 2.5 defines a float64, x := 1 an int.
					if k, ok := literalKind(d.Rhs[i]); ok {
						return ast.NewIdent(map[token.Token]string{token.INT: "int", token.CHAR: "rune", token.FLOAT: "float64", token.STRING: "string"}[k])
					}
				}
			}
		}
	}
	return nil
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

// topVarTypes returns the types as written ("" when not known) of the
// variables f's chunk declares at its top level (body: the statements of a statement
// chunk; nil for a declaration chunk), where the source spells them.
func topVarTypes(f *ast.File, body []ast.Stmt, varType func(string) (string, bool), cellType func(string) bool) map[string]string {
	vars := map[string]string{}
	add := func(id *ast.Ident) {
		if id.Name == "_" {
			return
		}
		vars[id.Name] = "" // not known
		if t := typeExpr(id, 0, varType); t != nil {
			vars[id.Name] = types.ExprString(t)
		} else if name, ok := spelledTypeName(id, cellType, varType); ok && strings.HasPrefix(name, "main.") && !strings.ContainsAny(name[5:], ".[]*") {
			vars[id.Name] = name[5:] // a conversion to a cell type: c := Celsius(20)
		}
	}
	spec := func(d *ast.GenDecl) {
		if d.Tok != token.VAR {
			return
		}
		for _, sp := range d.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				add(n)
			}
		}
	}
	if body == nil {
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok {
				spec(g)
			}
		}
		return vars
	}
	for _, st := range body {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						add(id)
					}
				}
			}
		case *ast.DeclStmt:
			spec(st.Decl.(*ast.GenDecl))
		}
	}
	return vars
}

// funcResults returns the result types, as written, of the functions with
// one result that the declaration source text ("package p;" + text parses)
// declares, keyed "name()" as varType looks them up.
func funcResults(text string) map[string]string {
	const prefix = "package p;"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	res := map[string]string{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Type.TypeParams != nil {
			continue
		}
		r := fd.Type.Results
		if r == nil || len(r.List) != 1 || len(r.List[0].Names) > 1 {
			res[fd.Name.Name+"()"] = ""
			continue
		}
		res[fd.Name.Name+"()"] = types.ExprString(r.List[0].Type)
	}
	return res
}

// rangeType returns the type of the range variable name among lhs (key,
// value) when ranging over a value of type t.
func rangeType(name string, lhs []ast.Expr, t ast.Expr) ast.Expr {
	idx := -1
	for i, l := range lhs {
		if id, ok := l.(*ast.Ident); ok && id.Name == name {
			idx = i
		}
	}
	if t == nil || idx < 0 {
		return nil
	}
	switch t := t.(type) {
	case *ast.ArrayType:
		if idx == 0 {
			return ast.NewIdent("int")
		}
		return t.Elt
	case *ast.MapType:
		if idx == 0 {
			return t.Key
		}
		return t.Value
	case *ast.ChanType:
		if idx == 0 {
			return t.Value
		}
	case *ast.Ident:
		switch {
		case t.Name == "string" && idx == 0:
			return ast.NewIdent("int")
		case t.Name == "string":
			return ast.NewIdent("rune")
		case idx == 0 && t.Name != "bool" && t.Name != "float32" && t.Name != "float64":
			if _, basic := basicTypes[t.Name]; basic {
				return t // range over an integer
			}
		}
	}
	return nil
}

// typeSources returns the struct types the declaration source text declares,
// keyed "T{}" as varType looks them up, with their sources.
func typeSources(text string) map[string]string {
	const prefix = "package p;"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", prefix+text, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	res := map[string]string{}
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.TYPE {
			continue
		}
		for _, sp := range g.Specs {
			ts := sp.(*ast.TypeSpec)
			if _, ok := ts.Type.(*ast.StructType); ok && ts.TypeParams == nil {
				res[ts.Name.Name+"{}"] = types.ExprString(ts.Type)
			}
		}
	}
	return res
}

// selectorType returns the type of x.Sel when x's type is a cell struct
// type with that field, or of x.M() when it is a cell type with that
// method (call: the selector is called).
func selectorType(e *ast.SelectorExpr, call bool, depth int, varType func(string) (string, bool)) ast.Expr {
	if varType == nil {
		return nil
	}
	t := typeExpr(e.X, depth+1, varType)
	if st, ok := t.(*ast.StarExpr); ok {
		t = st.X
	}
	id, ok := t.(*ast.Ident)
	if !ok {
		return nil
	}
	if call {
		if src, ok := varType(id.Name + "." + e.Sel.Name + "()"); ok {
			x, _ := parser.ParseExpr(src)
			return x
		}
		return nil
	}
	src, ok := varType(id.Name + "{}")
	if !ok {
		return nil
	}
	x, err := parser.ParseExpr(src)
	if err != nil {
		return nil
	}
	st, ok := x.(*ast.StructType)
	if !ok {
		return nil
	}
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == e.Sel.Name {
				return f.Type
			}
		}
	}
	return nil
}
