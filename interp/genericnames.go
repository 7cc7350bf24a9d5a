package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
)

// yaegi v0.16.1 keeps one instance of a generic function per bare name and
// type arguments, across packages: a cell's own `func Max[T cmp.Ordered]`
// and slices.Max, both used with int, share whichever was instantiated
// first, and one of them silently computes the other's result. So the
// generic functions that cells declare get names of their own
// (genericPrefix + name) wherever cells mention them; messages show the
// cell's names again (userText).

const genericPrefix = "__warren_g_"

// isGenericFunc reports whether name is a generic function declared by
// the cell or an earlier one.
func (u *userNames) isGenericFunc(name string) bool {
	_, ok := u.lookupGeneric(name)
	return ok
}

// genericRename returns text with every identifier that names a generic
// function of the cells (generic) renamed; prefix+text+suffix is the
// chunk's source for the parser. Names of fields, methods, selectors,
// composite-literal keys and labels are not references and stay (see
// refIdents).
func genericRename(prefix, text, suffix string, generic func(string) bool) string {
	if generic == nil {
		return text
	}
	fset, f, off, err := parseChunk(prefix, text, suffix, parser.SkipObjectResolution)
	if err != nil {
		return text // analyze reports the error
	}
	var edits []edit
	for _, id := range refIdents(f, generic) {
		if off(id.Pos()) >= 0 {
			edits = append(edits, edit{off(id.Pos()), off(id.End()), genericPrefix + id.Name + lineDirective(fset.Position(id.End()))})
		}
	}
	return applyEdits(text, edits)
}

// parseChunk parses prefix+text+suffix, the source the parser needs around
// a chunk's text, with mode, and returns with it off, which maps a position
// to an offset in text.
func parseChunk(prefix, text, suffix string, mode parser.Mode) (*token.FileSet, *ast.File, func(token.Pos) int, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, mode)
	if err != nil {
		return nil, nil, nil, err
	}
	return fset, f, func(p token.Pos) int { return fset.File(p).Offset(p) - len(prefix) }, nil
}

// lineDirective returns a /*line*/ comment that puts what follows at pos.
func lineDirective(pos token.Position) string {
	return "/*line _.go:" + strconv.Itoa(pos.Line) + ":" + strconv.Itoa(pos.Column) + "*/"
}
