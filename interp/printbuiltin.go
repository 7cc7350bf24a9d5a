package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// The builtins print and println write to standard error in Go, with the
// runtime's own formatting (print puts no spaces between its operands,
// pointers print as hex); yaegi v0.16.1 writes them to standard output
// with fmt's %v. printRewrite turns calls of the builtins into calls of
// the session's compiled Print and Println, which format as Go's runtime
// does and write to the cell's stderr.

// printRewrite returns text with calls of the builtins print and println
// replaced by the session's hooks; prefix+text+suffix is the chunk's
// source for the parser, and shadowed reports names earlier cells declare
// (a user's own println is left alone).
func printRewrite(prefix, text, suffix string, shadowed func(string) bool) string {
	if !strings.Contains(text, "print") {
		return text
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "_.go", prefix+text+suffix, 0)
	if err != nil {
		return text // analyze reports the error
	}
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - len(prefix) }
	declared := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				declared[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						declared[n.Name] = true
					}
				case *ast.TypeSpec:
					declared[sp.Name.Name] = true
				}
			}
		}
	}
	var edits []edit
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id, ok := call.Fun.(*ast.Ident)
		if !ok || (id.Name != "print" && id.Name != "println") || id.Obj != nil || declared[id.Name] ||
			(shadowed != nil && shadowed(id.Name)) || call.Ellipsis.IsValid() {
			return true
		}
		hook := goHook + ".Print"
		if id.Name == "println" {
			hook = goHook + ".Println"
		}
		pos := fset.Position(id.End())
		edits = append(edits, edit{off(id.Pos()), off(id.End()), fmt.Sprintf("%s/*line _.go:%d:%d*/", hook, pos.Line, pos.Column)})
		return true
	})
	if len(edits) == 0 {
		return text
	}
	var b strings.Builder
	at := 0
	for _, e := range edits {
		b.WriteString(text[at:e.pos])
		b.WriteString(e.repl)
		at = e.end
	}
	b.WriteString(text[at:])
	return b.String()
}

// printBuiltin writes args to w as the builtin print (ln false) or println
// (ln true) does.
func printBuiltin(w io.Writer, ln bool, args ...any) {
	var b []byte
	for i, a := range args {
		if ln && i > 0 {
			b = append(b, ' ')
		}
		b = appendRuntime(b, a)
	}
	if ln {
		b = append(b, '\n')
	}
	w.Write(b)
}

// appendRuntime appends v formatted as Go's runtime print does.
func appendRuntime(b []byte, v any) []byte {
	if v == nil {
		return append(b, "(0x0,0x0)"...)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Bool:
		return strconv.AppendBool(b, rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, rv.Int(), 10)
	case reflect.Uintptr:
		return append(b, fmt.Sprintf("%#x", rv.Uint())...)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, rv.Uint(), 10)
	case reflect.Float32:
		return strconv.AppendFloat(b, rv.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.AppendFloat(b, rv.Float(), 'g', -1, 64)
	case reflect.Complex64:
		return append(b, strconv.FormatComplex(rv.Complex(), 'g', -1, 64)...)
	case reflect.Complex128:
		return append(b, strconv.FormatComplex(rv.Complex(), 'g', -1, 128)...)
	case reflect.String:
		return append(b, rv.String()...)
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return append(b, fmt.Sprintf("%#x", rv.Pointer())...)
	case reflect.Slice:
		return append(b, fmt.Sprintf("[%d/%d]%#x", rv.Len(), rv.Cap(), rv.Pointer())...)
	}
	// An interface value of another kind: the runtime prints its type and
	// data words, which mean nothing in a notebook.
	return append(b, fmt.Sprintf("(%T,%p)", v, &v)...)
}
