package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"strings"
)

// A key of context.WithValue whose type is declared in a cell with a basic
// underlying type (`type ctxKey string`, the usual Go idiom) reaches
// compiled code as the plain basic value in yaegi v0.16.1, so it would be
// the same key as a plain string "user" (ctx.Value("user") would find
// ctxKey("user")'s value). go/types tells the key's type, also for a
// constant of an earlier cell; such a call is an error.

// ctxKeyUse is such a key: its offset in the checked text, its type and
// the type's underlying type.
type ctxKeyUse struct {
	off        int
	typ, under string
}

// contextKeyUse returns the first context.WithValue key in f whose type is
// a cell type with a basic underlying type, or nil.
func contextKeyUse(f *ast.File, info *types.Info, cellOff func(token.Pos) int) *ctxKeyUse {
	var found *ctxKeyUse
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || found != nil || len(call.Args) != 3 {
			return found == nil
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "WithValue" {
			return true
		}
		if pkg, ok := sel.X.(*ast.Ident); !ok || pkg.Name != "context" {
			return true
		}
		tv, ok := info.Types[call.Args[1]]
		if !ok || tv.Type == nil {
			return true
		}
		named, ok := tv.Type.(*types.Named)
		if !ok || named.Obj().Pkg() == nil || named.Obj().Pkg().Path() != "p" {
			return true
		}
		if b, ok := named.Underlying().(*types.Basic); ok {
			found = &ctxKeyUse{cellOff(call.Args[1].Pos()), named.Obj().Name(), b.Name()}
		}
		return found == nil
	})
	return found
}

// contextKeyError returns the error for a key contextKeyUse found in the
// chunks' checked text, at the line of cell n it is on.
func contextKeyError(k *ctxKeyUse, chunks []*chunk, n int) error {
	line := 0
	for _, c := range chunks {
		for _, sg := range c.segs {
			if k.off >= sg.start && k.off < sg.end {
				line = c.line + strings.Count(c.text[:k.off-sg.start+sg.at], "\n")
			}
		}
	}
	return fmt.Errorf("_.go:%d:1: context.WithValue with a key of type %s (declared in a cell, underlying type %s): the interpreter hands compiled code a plain %s, so this key would be the same key as plain %s values: use a pointer to a package-level variable as the key (var userKey = new(int)), or run the code in a %%%%native cell",
		(n%maxCellNum)*lineBase+line, k.typ, k.under, k.under, k.under)
}
