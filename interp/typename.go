package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

// %T of cell types. Compiled fmt sees a value of a type declared in a cell
// as a value of its underlying type, so %T prints `float64` for a `type
// Celsius float64` and `struct { S string }` for a `type S struct{…}`. When
// the cell spells the argument's type — a variable declared with it, a
// composite literal, a conversion — and that type is a cell's concrete
// type, the verb becomes %s and the argument __warren.TypeName("main.S", x),
// which evaluates x and formats as the type's name. (Where the type is not
// spelled, the session's fmt fails on what it can recognize: see
// fmtverbs.go.)

// fmtFormatFuncs are fmt's functions whose first (or, after a writer,
// second) argument is a format.
var fmtFormatFuncs = map[string]int{"Printf": 0, "Sprintf": 0, "Errorf": 0, "Fprintf": 1, "Appendf": 1}

// typeNameRewrite returns text with %T of values of cell types rewritten;
// prefix+text+suffix parses, and cellType reports the concrete
// (non-interface, non-generic) types the cell and earlier cells declare.
func typeNameRewrite(prefix, text, suffix string, cellType func(string) bool, varType func(string) (string, bool)) string {
	if !strings.Contains(text, "%") || !strings.Contains(text, "T") {
		return text
	}
	_, f, off, err := parseChunk(prefix, text, suffix, 0)
	if err != nil {
		return text
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		fi, isFormat := fmtFormatFuncs[sel.Sel.Name]
		if !ok || pkg.Name != "fmt" || pkg.Obj != nil || !isFormat || len(call.Args) <= fi {
			return true
		}
		lit, ok := call.Args[fi].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING || strings.Contains(lit.Value, "\n") {
			return true
		}
		format, err := strconv.Unquote(lit.Value)
		if err != nil {
			return true
		}
		args := call.Args[fi+1:]
		b := []byte(format)
		var argEdits []edit
		for _, v := range formatVerbs(format) {
			if v.verb != 'T' || v.star || v.arg < 0 || v.arg >= len(args) {
				continue
			}
			name, ok := spelledTypeName(args[v.arg], cellType, varType)
			if !ok {
				continue
			}
			b[v.pos] = 's'
			a := args[v.arg]
			argEdits = append(argEdits,
				edit{off(a.Pos()), off(a.Pos()), goHook + ".TypeName(" + strconv.Quote(name) + ", "},
				edit{off(a.End()), off(a.End()), ")"})
		}
		if len(argEdits) == 0 {
			return true
		}
		edits = append(edits, edit{off(lit.Pos()), off(lit.End()), strconv.Quote(string(b))})
		edits = append(edits, argEdits...)
		return true
	})
	return applyEdits(text, edits)
}

// spelledTypeName returns the Go name of e's type ("main.S", "*main.S",
// "[]main.S") when the source spells it and it involves a cell type.
func spelledTypeName(e ast.Expr, cellType func(string) bool, varType func(string) (string, bool)) (string, bool) {
	var t ast.Expr
	switch x := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		t = x.Type
	case *ast.UnaryExpr:
		if c, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND && c.Type != nil {
			t = &ast.StarExpr{X: c.Type}
		}
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.StarExpr:
		t = typeExpr(x, 0, varType)
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && id.Obj == nil && cellType(id.Name) && len(x.Args) == 1 {
			t = id // a conversion to a cell type
		} else {
			t = typeExpr(x, 0, varType) // a function's result
		}
	case *ast.Ident:
		if x.Obj == nil && varType != nil {
			if src, ok := varType(x.Name); ok {
				t, _ = parser.ParseExpr(src) // a variable of an earlier chunk or cell
			}
		}
		if x.Obj != nil && x.Obj.Kind == ast.Var {
			switch d := x.Obj.Decl.(type) {
			case *ast.Field:
				t = d.Type
			case *ast.ValueSpec:
				t = d.Type
				if t == nil && len(d.Values) == len(d.Names) {
					for i, n := range d.Names {
						if n.Name == x.Name {
							return spelledTypeName(d.Values[i], cellType, varType)
						}
					}
				}
			case *ast.AssignStmt:
				if d.Tok == token.DEFINE && len(d.Lhs) == len(d.Rhs) {
					for i, l := range d.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name == x.Name && d.Rhs[i] != e {
							return spelledTypeName(d.Rhs[i], cellType, varType)
						}
					}
				}
			}
		}
	}
	if t == nil {
		return "", false
	}
	cell := false
	var name func(t ast.Expr) (string, bool)
	name = func(t ast.Expr) (string, bool) {
		switch t := t.(type) {
		case *ast.Ident:
			if cellType(t.Name) {
				cell = true
				return "main." + t.Name, true
			}
			if _, basic := basicTypes[t.Name]; basic || t.Name == "bool" || t.Name == "error" || t.Name == "any" {
				switch t.Name {
				case "byte":
					return "uint8", true
				case "rune":
					return "int32", true
				case "any":
					return "interface {}", true
				}
				return t.Name, true
			}
		case *ast.SelectorExpr:
			if p, ok := t.X.(*ast.Ident); ok && p.Obj == nil {
				return p.Name + "." + t.Sel.Name, true
			}
		case *ast.StarExpr:
			s, ok := name(t.X)
			return "*" + s, ok
		case *ast.ArrayType:
			s, ok := name(t.Elt)
			if t.Len == nil {
				return "[]" + s, ok
			}
			if l, isLit := t.Len.(*ast.BasicLit); isLit && l.Kind == token.INT {
				return "[" + l.Value + "]" + s, ok
			}
		case *ast.MapType:
			k, ok1 := name(t.Key)
			v, ok2 := name(t.Value)
			return "map[" + k + "]" + v, ok1 && ok2
		}
		return "", false
	}
	s, ok := name(t)
	return s, ok && cell
}

// typeNameValue is what __warren.TypeName returns: a value that formats as
// a type's name.
func typeNameValue(name string, _ any) string { return name }

// fmtPrintFuncs are fmt's and log's printing functions and the index of
// their first value argument; format functions are checked per verb.
var fmtPrintFuncs = map[string]int{
	"Print": 0, "Println": 0, "Sprint": 0, "Sprintln": 0, "Fprint": 1, "Fprintln": 1,
	"Printf": 1, "Sprintf": 1, "Errorf": 1, "Fprintf": 2,
	"Fatal": 0, "Fatalln": 0, "Panic": 0, "Panicln": 0, "Fatalf": 1, "Panicf": 1,
}

// hiddenStringers returns an error for the first argument of a fmt or log
// printing call whose spelled type holds, in a slice, array or map, a cell
// type with a String or Error method that is not a struct: compiled fmt
// sees plain values there (`[1 2]` for a []Level) and cannot tell.
// hasMethods reports such types.
func hiddenStringers(prefix, text, suffix string, hasMethods func(string) bool, cellType func(string) bool, varType func(string) (string, bool)) error {
	if !strings.Contains(text, "fmt.") && !strings.Contains(text, "log.") {
		return nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, 0)
	if err != nil {
		return nil
	}
	var found error
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found != nil {
			return found == nil
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		pkg, ok := sel.X.(*ast.Ident)
		first, isPrint := fmtPrintFuncs[sel.Sel.Name]
		if !ok || pkg.Obj != nil || (pkg.Name != "fmt" && pkg.Name != "log") || !isPrint || len(call.Args) < first {
			return true
		}
		var uses []verbUse
		if strings.HasSuffix(sel.Sel.Name, "f") {
			lit, ok := call.Args[first-1].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			uses = formatUses(format, len(call.Args)-first)
		}
		for i, a := range call.Args[first:] {
			if uses != nil && !uses[i].methods {
				continue
			}
			name, ok := spelledTypeName(a, cellType, varType)
			if !ok {
				continue
			}
			if t := hiddenIn(name, hasMethods); t != "" {
				p := fset.Position(a.Pos())
				found = fmt.Errorf("%s:%d:%d: fmt would print the elements of this %s without calling the String or Error method of %s (the interpreter hands compiled code their plain values): print them one by one with x.String(), or run the code in a %%%%native cell", p.Filename, p.Line, p.Column, strings.ReplaceAll(name, "main.", ""), t)
				return false
			}
		}
		return true
	})
	return found
}

// hiddenIn returns a cell type with methods that the Go type name holds
// inside a slice, array or map ("[]main.Level" → "Level"), or "".
func hiddenIn(name string, hasMethods func(string) bool) string {
	for _, part := range strings.FieldsFunc(name, func(r rune) bool { return r == '[' || r == ']' || r == '*' }) {
		part = strings.TrimPrefix(part, "map") // "map[K]V" splits into "map", "K", "V"
		if t, ok := strings.CutPrefix(part, "main."); ok && hasMethods(t) && part != name && "*"+part != name {
			return t
		}
	}
	return ""
}

// namedBasicCheck returns an error for the first type assertion or type
// switch case of the chunk that names a predeclared type T, or a cell type
// whose underlying type is T, while a cell declares a type with underlying
// type T: yaegi v0.16.1 tells such types apart from T neither in type
// assertions nor in type switches (a meters(7) passes v.(int), a 2.5 is
// found by case celsius). named returns such a cell type for T, or "".
func namedBasicCheck(prefix, text, suffix string, named func(basic string) string, underlying func(name string) string) error {
	if !strings.Contains(text, ".(") {
		return nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, parser.SkipObjectResolution)
	if err != nil {
		return nil
	}
	var found error
	check := func(t ast.Expr) {
		id, ok := t.(*ast.Ident)
		if !ok || found != nil {
			return
		}
		basic, cellName := id.Name, named(id.Name)
		if u := underlying(id.Name); u != "" {
			basic, cellName = u, id.Name
		}
		if cellName == "" {
			return
		}
		p := fset.Position(t.Pos())
		found = fmt.Errorf("%s:%d:%d: the interpreter cannot tell %s from %s (a type declared in a cell whose underlying type is %s) in a type assertion or type switch: a value of either passes as the other; compare with a method or a struct type, or run the code in a %%%%native cell", p.Filename, p.Line, p.Column, basic, cellName, basic)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.TypeAssertExpr:
			if n.Type != nil {
				check(n.Type)
			}
		case *ast.TypeSwitchStmt:
			for _, c := range n.Body.List {
				for _, t := range c.(*ast.CaseClause).List {
					check(t)
				}
			}
		}
		return found == nil
	})
	return found
}
