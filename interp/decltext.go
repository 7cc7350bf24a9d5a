package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
)

// declPrefix makes declaration source text a Go file.
const declPrefix = "package p;"

// parseDeclText parses declaration source text (declPrefix + text is a Go
// file) without object resolution. src returns the text of a node of the
// file as written in text.
func parseDeclText(text string) (f *ast.File, src func(ast.Node) string, err error) {
	fset := token.NewFileSet()
	f, err = parser.ParseFile(fset, "", declPrefix+text, parser.SkipObjectResolution)
	if err != nil {
		return nil, nil, err
	}
	src = func(n ast.Node) string {
		tf := fset.File(n.Pos())
		return text[tf.Offset(n.Pos())-len(declPrefix) : tf.Offset(n.End())-len(declPrefix)]
	}
	return f, src, nil
}
