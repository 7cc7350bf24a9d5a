package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"
)

// Rewrites for forms yaegi v0.16.1 lacks or mis-compiles, done on a chunk's
// text before the session's other rewrites:
//
//   - the builtin clear (Go 1.21), which yaegi does not know, becomes a call
//     of the session's compiled Clear (reflect.Value.Clear); min and max, see
//     minmax.go;
//   - a type switch that binds a variable at a cell's top level
//     (`switch v := x.(type)`), which yaegi's compiler panics on, runs in a
//     function literal, as scopeEdits in rewrite.go does for other forms;
//   - a comma-ok definition at a cell's top level (`v, ok := m[k]`,
//     `n, ok := x.(T)`, and their `var` forms), which yaegi compiles only
//     inside a function, becomes declarations and a plain assignment:
//     `var n T; var ok bool; n, ok = x.(T)` and, for a map, `var v = m[k];
//     var ok bool; v, ok = m[k]` (m and k evaluated once, into temporaries,
//     unless they are plain names or constants).
//
// A comma-ok receive (`v, ok := <-ch`) at the top level is rewritten the
// same way when the channel's type is spelled (ch := make(chan int), a
// parameter, an earlier cell's variable); otherwise it is an error that says
// what to write instead.

// builtinRewrite returns text with clear and top-level comma-ok forms
// rewritten; prefix+text+suffix is the chunk's source for the parser and
// stmts says whether it is a statement chunk. shadowed reports names the
// session declares (a user's own clear is left alone).
//
// It returns, and records in u for later chunks, the types of the
// variables the chunk declares, for min and max.
func builtinRewrite(prefix, text, suffix string, stmts bool, u *userNames) (string, map[string]string, error) {
	shadowed, tmp := u.shadowed, &u.tmp
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, 0)
	if err != nil {
		return text, nil, nil // analyze reports the error
	}
	var body []ast.Stmt
	if stmts {
		body = f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
	}
	vars := topVarTypes(f, body, u.lookupVarType, u.isCellType)
	for n, t := range vars {
		u.varTypes[n] = t
	}
	if !strings.Contains(text, "clear") && !strings.Contains(text, "min") && !strings.Contains(text, "max") && !strings.Contains(text, "print") && !(stmts && (strings.Contains(text, ",") || strings.Contains(text, "switch"))) {
		return text, vars, nil
	}
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - len(prefix) }
	restore := func(p token.Pos) string {
		pos := fset.Position(p)
		return fmt.Sprintf("/*line _.go:%d:%d*/", pos.Line, pos.Column)
	}
	src := func(e ast.Expr) string { return text[off(e.Pos()):off(e.End())] }
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		if id, ok := call.Fun.(*ast.Ident); ok && (id.Name == "print" || id.Name == "println") && id.Obj == nil && (shadowed == nil || !shadowed(id.Name)) {
			hook := ".Print"
			if id.Name == "println" {
				hook = ".Println"
			}
			edits = append(edits, edit{off(id.Pos()), off(id.End()), goHook + hook + restore(id.End())})
		}
		return true
	})
	if shadowed == nil || !shadowed("clear") {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "clear" && id.Obj == nil && len(call.Args) == 1 && !call.Ellipsis.IsValid() {
				edits = append(edits, edit{off(id.Pos()), off(id.End()), goHook + ".Clear" + restore(id.End())})
			}
			return true
		})
	}
	edits = append(edits, minmaxEdits(f, off, shadowed, u.lookupVarType)...)
	if stmts {
		body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
		for _, st := range body {
			inner := st
			if l, ok := st.(*ast.LabeledStmt); ok {
				inner = l.Stmt
			}
			if ts, ok := inner.(*ast.TypeSwitchStmt); ok && isDefine(ts.Assign) {
				// `switch v := x.(type)` at the top level panics yaegi's
				// compiler; in a function scope it works, and it declares
				// nothing outside itself.
				edits = append(edits, edit{off(st.Pos()), off(st.Pos()), "func() { "}, edit{off(st.End()), off(st.End()), " }()"})
				continue
			}
			var lhs []ast.Expr
			var rhs ast.Expr
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok != token.DEFINE || len(st.Lhs) != 2 || len(st.Rhs) != 1 {
					continue
				}
				lhs, rhs = st.Lhs, st.Rhs[0]
			case *ast.DeclStmt:
				d := st.Decl.(*ast.GenDecl)
				if d.Tok != token.VAR || len(d.Specs) != 1 {
					continue
				}
				vs := d.Specs[0].(*ast.ValueSpec)
				if len(vs.Names) != 2 || len(vs.Values) != 1 || vs.Type != nil {
					continue
				}
				lhs, rhs = []ast.Expr{vs.Names[0], vs.Names[1]}, vs.Values[0]
			default:
				continue
			}
			v, ok := lhs[0].(*ast.Ident)
			okID, ok2 := lhs[1].(*ast.Ident)
			if !ok || !ok2 {
				continue
			}
			var b strings.Builder
			fresh := map[string]bool{}
			for _, l := range lhs {
				// := redeclares a name an earlier statement declared.
				id := l.(*ast.Ident)
				fresh[id.Name] = id.Obj == nil || id.Obj.Decl == st || id.Obj.Decl == nil
				if ds, ok := st.(*ast.DeclStmt); ok {
					fresh[id.Name] = fresh[id.Name] || id.Obj.Decl == ds.Decl.(*ast.GenDecl).Specs[0]
				}
			}
			declare := func(name, typ, value string) {
				if name == "_" || !fresh[name] {
					return
				}
				if typ != "" {
					fmt.Fprintf(&b, "var %s %s; ", name, typ)
				} else {
					fmt.Fprintf(&b, "var %s = %s; ", name, value)
				}
			}
			switch x := ast.Unparen(rhs).(type) {
			case *ast.TypeAssertExpr:
				if x.Type == nil {
					continue // a type switch guard; not a statement here
				}
				declare(v.Name, src(x.Type), "")
				declare(okID.Name, "bool", "")
				fmt.Fprintf(&b, "%s, %s = %s", v.Name, okID.Name, src(rhs))
			case *ast.IndexExpr:
				m, k := src(x.X), src(x.Index)
				if !simpleExpr(x.X) || !simpleExpr(x.Index) {
					*tmp++
					tm, tk := fmt.Sprintf("__warren_m%d", *tmp), fmt.Sprintf("__warren_k%d", *tmp)
					fmt.Fprintf(&b, "%s, %s := %s, %s; ", tm, tk, m, k)
					m, k = tm, tk
				}
				declare(v.Name, "", m+"["+k+"]")
				declare(okID.Name, "bool", "")
				fmt.Fprintf(&b, "%s, %s = %s[%s]", v.Name, okID.Name, m, k)
			case *ast.UnaryExpr:
				if x.Op != token.ARROW {
					continue
				}
				if ct, ok := typeExpr(x.X, 0, u.lookupVarType).(*ast.ChanType); ok && ct.Dir != ast.SEND {
					// The element type is spelled: declare, then receive.
					declare(v.Name, types.ExprString(ct.Value), "")
					declare(okID.Name, "bool", "")
					fmt.Fprintf(&b, "%s, %s = %s", v.Name, okID.Name, src(rhs))
					break
				}
				p := fset.Position(st.Pos())
				return "", nil, fmt.Errorf("%s:%d:%d: the interpreter cannot compile `v, ok := <-ch` at a cell's top level: declare the variables first (var v T; var ok bool; v, ok = <-ch), or receive inside a function or block", p.Filename, p.Line, p.Column)
			default:
				continue
			}
			edits = append(edits, edit{off(st.Pos()), off(st.End()), b.String() + restore(st.End())})
		}
	}
	return applyEdits(text, edits), vars, nil
}

// simpleExpr reports whether evaluating e twice is the same as once: a
// name, a constant, or a field of a name.
func simpleExpr(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident, *ast.BasicLit:
		return true
	case *ast.SelectorExpr:
		return simpleExpr(e.X)
	}
	return false
}

// clearValue is the builtin clear for cells: it deletes a map's entries or
// zeroes a slice's elements.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	if !v.IsValid() {
		return
	}
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or slice", x))
	}
}

// genericConvHint explains yaegi's "type not found: iter.Seq[int]".
const genericConvHint = "(the interpreter cannot convert to an instance of a package's generic type, as in iter.Seq[int](f): pass f itself where an iter.Seq[int] is expected, or declare var s iter.Seq[int] = f; iter.Pull also needs its type argument written, iter.Pull[int](f), inside a function — or run the code in a %%native cell)"

// ifaceHint explains yaegi's failure to assert to a cell's interface type.
const ifaceHint = "  (the interpreter cannot assert a value to an interface type declared in a cell, as in x.(Walker) or a type switch case Walker: assert to the concrete types, or run the code in a %%native cell)"

// shadowHint explains yaegi's "reflect.Set: value of type string is not
// assignable to type int" from two variables of one name.
const shadowHint = "  (the interpreter mixed up two variables of the same name and different types, as when a variable declared in an if, for or switch header at a cell's top level (if x := 3; …) shadows a variable of another type declared at the top level: rename one of them, or put the code inside a function)"

// builtinHint explains a compile error about a Go builtin the interpreter
// lacks or a generic call it cannot infer; "" for other messages.
func builtinHint(msg string) string {
	if strings.Contains(msg, "not a generic type: func(") {
		return "(the interpreter cannot assign the result of a generic function call at a cell's top level: do it inside a function, or run the code in a %%native cell)"
	}
	if strings.Contains(msg, "undefined type for ") {
		return "(the interpreter could not infer the type arguments of a generic function call, as with a variadic ...T parameter: write them explicitly, e.g. Sum[int](1, 2, 3), inside a function, or run the code in a %%native cell)"
	}
	for _, name := range []string{"min", "max"} {
		i := strings.Index(msg, "undefined: "+name)
		if i < 0 {
			continue
		}
		if rest := msg[i+len("undefined: "+name):]; rest != "" && (rest[0] == '_' || rest[0] >= '0' && rest[0] <= '9' || rest[0] >= 'A' && rest[0] <= 'Z' || rest[0] >= 'a' && rest[0] <= 'z') {
			continue
		}
		return fmt.Sprintf("(the interpreter has no builtin %s; warren supplies it where the type of an operand is spelled in the cell — a parameter, a var with a type, a conversion like %s(int64(a), b), a literal — but not here: convert an operand, compare with if, or run the code in a %%%%native cell)",
			name, name)
	}
	return ""
}

// isDefine reports whether a type switch guard binds a variable.
func isDefine(st ast.Stmt) bool {
	a, ok := st.(*ast.AssignStmt)
	return ok && a.Tok == token.DEFINE
}
