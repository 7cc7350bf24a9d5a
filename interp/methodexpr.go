package interp

import (
	"fmt"
	"go/ast"
	"strings"
)

// Method expressions. yaegi v0.16.1 compiles `T.M` and `(*T).M` for a type
// declared in a cell into a function that fails when called ("reflect: Call
// with too many input arguments"). For a method declared in the session, the
// expression becomes the function literal it denotes:
// `func(r T, a0 A0, …) (R…) { return r.M(a0, …) }`.

// A methodSig is what a method expression needs of a method declaration:
// its parameter types and results, as source.
type methodSig struct {
	params   []string // one type per parameter; the last is "...T" when variadic
	results  string   // "" or the result list, e.g. "(int, error)"
	generic  bool     // the receiver type has type parameters
	ptrRecv  bool
	recvType string
}

// methodSigs returns the method declarations in the declaration source text
// ("package p;" + text parses), keyed "T.M".
func methodSigs(text string) map[string]methodSig {
	f, src, err := parseDeclText(text)
	if err != nil {
		return nil
	}
	sigs := map[string]methodSig{}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		sig := methodSig{recvType: recvName(fd.Recv)}
		rt := fd.Recv.List[0].Type
		if st, ok := rt.(*ast.StarExpr); ok {
			sig.ptrRecv = true
			rt = st.X
		}
		switch rt.(type) {
		case *ast.IndexExpr, *ast.IndexListExpr:
			sig.generic = true
		}
		for _, fl := range fd.Type.Params.List {
			for range max(1, len(fl.Names)) {
				sig.params = append(sig.params, src(fl.Type))
			}
		}
		if r := fd.Type.Results; r != nil {
			sig.results = src(r)
		}
		if sig.recvType != "" {
			sigs[sig.recvType+"."+fd.Name.Name] = sig
		}
	}
	return sigs
}

// methodExprRewrite returns text with the method expressions of methods in
// sigs rewritten to function literals; prefix+text+suffix parses.
func methodExprRewrite(prefix, text, suffix string, sigs func(string) (methodSig, bool)) string {
	if !strings.Contains(text, ".") {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, 0)
	if err != nil {
		return text
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		x, ptr := ast.Unparen(sel.X), false
		if st, ok := x.(*ast.StarExpr); ok {
			x, ptr = ast.Unparen(st.X), true
		}
		id, ok := x.(*ast.Ident)
		if !ok || (id.Obj != nil && id.Obj.Kind != ast.Typ) {
			return true // a local variable
		}
		sig, ok := sigs(id.Name + "." + sel.Sel.Name)
		if !ok || sig.generic {
			return true
		}
		recv := id.Name
		if ptr {
			recv = "*" + recv
		}
		var b strings.Builder
		fmt.Fprintf(&b, "func(__recv %s", recv)
		var args []string
		for i, p := range sig.params {
			fmt.Fprintf(&b, ", __a%d %s", i, p)
			a := fmt.Sprintf("__a%d", i)
			if strings.HasPrefix(p, "...") {
				a += "..."
			}
			args = append(args, a)
		}
		b.WriteString(") " + sig.results + " { ")
		if sig.results != "" {
			b.WriteString("return ")
		}
		fmt.Fprintf(&b, "__recv.%s(%s) }", sel.Sel.Name, strings.Join(args, ", "))
		end := fset.Position(sel.End())
		fmt.Fprintf(&b, "/*line _.go:%d:%d*/", end.Line, end.Column)
		edits = append(edits, edit{off(sel.Pos()), off(sel.End()), b.String()})
		return false
	})
	return applyEdits(text, edits)
}
