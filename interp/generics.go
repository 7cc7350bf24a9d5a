package interp

import (
	"go/ast"
	"go/parser"
	"strings"
)

// Type arguments of generic calls. yaegi v0.16.1 infers the type arguments
// of a generic function with several type parameters wrongly when one of
// them appears only in a function parameter's results: `Map(xs, func(i int)
// string {…})` for `func Map[T, U any](xs []T, f func(T) U) []U` fails with
// "cannot use type func(int) string as type func(int) int". When the
// arguments spell every type argument out — function literals and
// composite literals carry their types — the call gets them written
// explicitly: `Map[int, string](xs, func(i int) string {…})`, which yaegi
// compiles.

// A genericSig is a generic function's type parameter names and its
// parameter list, as source.
type genericSig struct {
	typeParams []string
	params     string // "(xs []T, f func(T) U)"
}

// genericSigs returns the generic functions declared in the declaration
// source text ("package p;" + text parses), by name.
func genericSigs(text string) map[string]genericSig {
	f, src, err := parseDeclText(text)
	if err != nil {
		return nil
	}
	sigs := map[string]genericSig{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || fd.Type.TypeParams == nil {
			continue
		}
		var sig genericSig
		for _, fl := range fd.Type.TypeParams.List {
			for _, n := range fl.Names {
				sig.typeParams = append(sig.typeParams, n.Name)
			}
		}
		sig.params = src(fd.Type.Params)
		sigs[fd.Name.Name] = sig
	}
	return sigs
}

// typeArgsRewrite returns text with explicit type arguments added to calls
// of generic functions with two or more type parameters whose arguments
// determine them all; prefix+text+suffix parses.
func typeArgsRewrite(prefix, text, suffix string, sigs func(string) (genericSig, bool)) string {
	if !strings.Contains(text, "(") {
		return text
	}
	_, f, off, err := parseChunk(prefix, text, suffix, 0)
	if err != nil {
		return text
	}
	src := func(n ast.Node) string { return text[off(n.Pos()):off(n.End())] }
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || call.Ellipsis.IsValid() {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || (id.Obj != nil && id.Obj.Kind != ast.Fun) {
			return true // a local variable
		}
		sig, ok := sigs(id.Name)
		if !ok || len(sig.typeParams) < 2 {
			return true
		}
		ft, err := parser.ParseExpr("func" + sig.params)
		if err != nil {
			return true
		}
		var params []ast.Expr
		for _, fl := range ft.(*ast.FuncType).Params.List {
			for range max(1, len(fl.Names)) {
				params = append(params, fl.Type)
			}
		}
		if len(params) != len(call.Args) {
			return true // variadic or wrong: left to the interpreter
		}
		isParam := map[string]bool{}
		for _, tp := range sig.typeParams {
			isParam[tp] = true
		}
		u := &unifier{isParam: isParam, bound: map[string]string{}, argSrc: src, sigSrc: func(n ast.Node) string {
			return sig.params[n.Pos()-ft.Pos()-4 : n.End()-ft.Pos()-4]
		}}
		for i, a := range call.Args {
			var at ast.Expr
			switch a := ast.Unparen(a).(type) {
			case *ast.FuncLit:
				at = a.Type
			case *ast.CompositeLit:
				at = a.Type
			}
			if at != nil && !u.unify(params[i], at) {
				return true
			}
		}
		var targs []string
		for _, tp := range sig.typeParams {
			t, ok := u.bound[tp]
			if !ok {
				return true
			}
			targs = append(targs, t)
		}
		edits = append(edits, edit{off(id.End()), off(id.End()), "[" + strings.Join(targs, ", ") + "]"})
		return true
	})
	return applyEdits(text, edits)
}

// A unifier matches a parameter type of a generic signature with an
// argument's type as written, binding type parameters to source text.
type unifier struct {
	isParam map[string]bool
	bound   map[string]string
	argSrc  func(ast.Node) string // source of a node of the argument
	sigSrc  func(ast.Node) string // source of a node of the signature
}

// unify reports whether p (of the signature) matches a (of an argument).
func (u *unifier) unify(p, a ast.Expr) bool {
	if id, ok := p.(*ast.Ident); ok && u.isParam[id.Name] {
		t := u.argSrc(a)
		if old, ok := u.bound[id.Name]; ok && old != t {
			return false
		}
		u.bound[id.Name] = t
		return true
	}
	switch p := p.(type) {
	case *ast.Ident:
		a, ok := a.(*ast.Ident)
		return ok && a.Name == p.Name
	case *ast.SelectorExpr:
		return u.sigSrc(p) == u.argSrc(a)
	case *ast.StarExpr:
		a, ok := a.(*ast.StarExpr)
		return ok && u.unify(p.X, a.X)
	case *ast.ArrayType:
		a, ok := a.(*ast.ArrayType)
		if !ok || (p.Len == nil) != (a.Len == nil) {
			return false
		}
		if p.Len != nil && u.sigSrc(p.Len) != u.argSrc(a.Len) {
			return false
		}
		return u.unify(p.Elt, a.Elt)
	case *ast.MapType:
		a, ok := a.(*ast.MapType)
		return ok && u.unify(p.Key, a.Key) && u.unify(p.Value, a.Value)
	case *ast.ChanType:
		a, ok := a.(*ast.ChanType)
		return ok && p.Dir == a.Dir && u.unify(p.Value, a.Value)
	case *ast.Ellipsis:
		a, ok := a.(*ast.Ellipsis)
		return ok && u.unify(p.Elt, a.Elt)
	case *ast.FuncType:
		a, ok := a.(*ast.FuncType)
		return ok && u.fields(p.Params, a.Params) && u.fields(p.Results, a.Results)
	}
	return false
}

// fields unifies two parameter or result lists.
func (u *unifier) fields(p, a *ast.FieldList) bool {
	flat := func(l *ast.FieldList) []ast.Expr {
		var ts []ast.Expr
		if l == nil {
			return ts
		}
		for _, f := range l.List {
			for range max(1, len(f.Names)) {
				ts = append(ts, f.Type)
			}
		}
		return ts
	}
	pt, at := flat(p), flat(a)
	if len(pt) != len(at) {
		return false
	}
	for i := range pt {
		if !u.unify(pt[i], at[i]) {
			return false
		}
	}
	return true
}
