package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
)

// Spelled types: the type of an expression as the cell's source writes it,
// without type-checking. A literal, a conversion, a composite literal, len,
// a math function, a variable declared with a type or defined from such an
// expression, a parameter, a range variable, a field of a cell struct, the
// result of a cell function or method. Names declared by earlier chunks and
// cells are looked up through varType, keyed by the variable's name, "f()"
// for a function's result, "T.M()" for a method's and "T{}" for a struct
// type's source. min and max (minmax.go) and %T (typename.go) use the
// spelled type where there is one and leave the code alone where there is
// none.

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
	f, _, err := parseDeclText(text)
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
	f, _, err := parseDeclText(text)
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

// basicUnderlying returns the types the declaration source text declares
// whose underlying type is a predeclared basic type (type meters int), with
// that type, byte and rune spelled uint8 and int32.
func basicUnderlying(text string) map[string]string {
	f, _, err := parseDeclText(text)
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
			if id, ok := ts.Type.(*ast.Ident); ok && !ts.Assign.IsValid() && ts.TypeParams == nil {
				if b := basicName(id.Name); b != "" {
					res[ts.Name.Name] = b
				}
			}
		}
	}
	return res
}

// basicName returns the predeclared basic type name, with byte and rune
// spelled uint8 and int32, or "".
func basicName(name string) string {
	switch name {
	case "byte":
		return "uint8"
	case "rune":
		return "int32"
	case "bool", "complex64", "complex128":
		return name
	}
	if _, ok := basicTypes[name]; ok {
		return name
	}
	return ""
}
