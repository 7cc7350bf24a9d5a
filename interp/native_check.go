package interp

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
)

// nativeChecks runs before a cell is interpreted: it loads the modules the
// cell imports that the session does not know (see importModules) and
// rejects assignments to variables of native cells, which yaegi v0.16.1
// gets wrong (it refuses `=` to a number, string or bool, and writes other
// values to the wrong place or nowhere).
func (s *Session) nativeChecks(ctx context.Context, c *cell, code string, chunks []*chunk) error {
	if err := s.importModules(ctx, c, chunks); err != nil {
		return err
	}
	t := &s.native
	if len(t.defs) == 0 {
		return nil
	}
	for _, ch := range chunks {
		if ch.kind == kindImport {
			continue
		}
		if e := s.checkNativeAssign(c, code, ch); e != nil {
			return e
		}
	}
	for _, ch := range chunks {
		for _, n := range ch.names {
			if _, ok := t.defs[n]; ok {
				if t.shadowed == nil {
					t.shadowed = map[string]bool{}
				}
				t.shadowed[n] = true
			}
		}
	}
	return nil
}

// checkNativeAssign reports an assignment in ch to a native variable. Names
// the chunk declares itself (parameters, :=, var) are left alone.
func (s *Session) checkNativeAssign(c *cell, code string, ch *chunk) *Error {
	t := &s.native
	src := "package p;" + fmt.Sprintf("/*line cell:%d:%d*/", ch.line, ch.col) + ch.text
	if ch.kind == kindStmt {
		src = "package p;func _(){" + fmt.Sprintf("/*line cell:%d:%d*/", ch.line, ch.col) + ch.text + "\n}"
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", src, parser.SkipObjectResolution)
	if err != nil {
		return nil // yaegi reports it
	}
	local := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.Field:
			for _, id := range n.Names {
				local[id.Name] = true
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, ok := e.(*ast.Ident); ok {
						local[id.Name] = true
					}
				}
			}
		}
		return true
	})
	var generic *ast.Ident
	var visit func(n ast.Node) bool
	visit = func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			ast.Inspect(se.X, visit) // not the selected name
			return false
		}
		if id, ok := n.(*ast.Ident); ok && generic == nil && !local[id.Name] && !t.shadowed[id.Name] {
			if d, ok := t.defs[id.Name]; ok && d.kind == "generic" {
				generic = id
			}
		}
		return generic == nil
	}
	ast.Inspect(f, visit)
	if generic != nil {
		p := fset.Position(generic.Pos())
		msg := fmt.Sprintf("line %d:%d: %s is generic (native cell [%d]); the interpreter cannot instantiate compiled generics: declare an instantiation in a %%%%native cell, e.g. var %sInt = %s[int], or use %s from native code",
			p.Line, p.Column, generic.Name, t.defs[generic.Name].cell, exportName(generic.Name), generic.Name, generic.Name)
		e := &Error{Name: "CompileError", Value: msg, Traceback: []string{"CompileError: " + msg}}
		if l := sourceLine(code, p.Line); l != "" {
			e.Traceback = append(e.Traceback, l)
		}
		return e
	}
	var bad *ast.Ident
	ast.Inspect(f, func(n ast.Node) bool {
		as, ok := n.(*ast.AssignStmt)
		if !ok || as.Tok == token.DEFINE || bad != nil {
			return bad == nil
		}
		for _, l := range as.Lhs {
			id, ok := l.(*ast.Ident)
			if !ok || local[id.Name] || t.shadowed[id.Name] {
				continue
			}
			if d, ok := t.defs[id.Name]; ok && d.kind == "var" {
				bad = id
				return false
			}
		}
		return true
	})
	if bad == nil {
		return nil
	}
	p := fset.Position(bad.Pos())
	d := t.defs[bad.Name]
	msg := fmt.Sprintf("line %d:%d: cannot assign to %s, a variable of native cell [%d], from an interpreted cell (the interpreter cannot assign compiled variables): assign it in native code, e.g. with a setter in a %%%%native cell: func Set%s(v T) { %s = v }",
		p.Line, p.Column, bad.Name, d.cell, exportName(bad.Name), bad.Name)
	e := &Error{Name: "CompileError", Value: msg, Traceback: []string{"CompileError: " + msg}}
	if l := sourceLine(code, p.Line); l != "" {
		e.Traceback = append(e.Traceback, l)
	}
	return e
}
