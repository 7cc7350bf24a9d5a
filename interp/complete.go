package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"go/types"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/warren-go/warren"
)

var keywords = []string{
	"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
	"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range",
	"return", "select", "struct", "switch", "type", "var",
}

var predeclared = []string{
	"any", "bool", "byte", "comparable", "complex64", "complex128", "error", "float32", "float64",
	"int", "int8", "int16", "int32", "int64", "rune", "string", "uint", "uint8", "uint16",
	"uint32", "uint64", "uintptr", "true", "false", "iota", "nil",
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
	"min", "new", "panic", "print", "println", "real", "recover",
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// identAt returns the identifier around cursor: [start, end) in code, and
// the package-like qualifier before a '.' preceding it ("" if none).
func identAt(code string, cursor int, forward bool) (qual string, start, end int) {
	if cursor > len(code) {
		cursor = len(code)
	}
	if cursor < 0 {
		cursor = 0
	}
	start = cursor
	for start > 0 {
		r, n := utf8.DecodeLastRuneInString(code[:start])
		if !isIdentRune(r) {
			break
		}
		start -= n
	}
	end = cursor
	if forward {
		for end < len(code) {
			r, n := utf8.DecodeRuneInString(code[end:])
			if !isIdentRune(r) {
				break
			}
			end += n
		}
	}
	if start > 0 && code[start-1] == '.' {
		q := start - 1
		for q > 0 {
			r, n := utf8.DecodeLastRuneInString(code[:q])
			if !isIdentRune(r) {
				break
			}
			q -= n
		}
		qual = code[q : start-1]
	}
	return qual, start, end
}

// Complete returns the completions of the identifier before cursor (a byte
// offset) and the byte range they replace: inside an import declaration's
// string, import paths; inside another string or a comment, nothing; after
// "pkg.", the package's exported names; after any other "x.", the fields
// and methods of x's type as go/types sees it (exported ones only for types
// of compiled packages); otherwise the names in scope at the cursor,
// imported package names, keywords and predeclared identifiers.
func (s *Session) Complete(code string, cursor int) (matches []string, start, end int) {
	cursor = min(max(cursor, 0), len(code))
	defer func() {
		if s.editPanic(recover()) {
			matches, start, end = nil, cursor, cursor
		}
	}()
	switch where, start := cursorAt(code, cursor); where {
	case inImportPath:
		return s.importPaths(code[start:cursor]), start, cursor
	case inLiteral:
		return nil, cursor, cursor
	}
	qual, start, end := identAt(code, cursor, false)
	prefix := code[start:end]
	seen := map[string]bool{}
	add := func(name string) {
		if strings.HasPrefix(name, prefix) && !seen[name] && !strings.HasPrefix(name, "_") {
			seen[name] = true
			matches = append(matches, name)
		}
	}
	if start > 0 && code[start-1] == '.' {
		s.mu.Lock()
		variable := s.names[qual]
		s.mu.Unlock()
		if p := s.pkgPath(qual, code); qual != "" && p != "" && !variable {
			for _, name := range s.members(p) {
				add(name)
			}
		} else {
			for _, name := range s.selectorMembers(code, start) {
				add(name)
			}
		}
		sort.Strings(matches)
		return matches, start, end
	}
	s.mu.Lock()
	for n := range s.names {
		add(n)
	}
	for n := range s.pkgs {
		add(n)
	}
	s.mu.Unlock()
	// Names in scope at the cursor: the cell's own declarations, parameters,
	// locals.
	if prefix != "" {
		s.editCheck(code, func(v *editView) {
			if p := v.pos(cursor); p.IsValid() {
				for sc := v.pkg.Scope().Innermost(p); sc != nil && sc != types.Universe; sc = sc.Parent() {
					for _, n := range sc.Names() {
						add(n)
					}
				}
			}
		})
	}
	for _, imp := range importsIn(code) {
		add(imp.localName())
	}
	for _, k := range keywords {
		add(k)
	}
	for _, k := range predeclared {
		add(k)
	}
	sort.Strings(matches)
	return matches, start, end
}

// selectorMembers lists the fields and methods that may follow the "x." whose
// selected name starts at the offset sel of code, from go/types.
func (s *Session) selectorMembers(code string, sel int) []string {
	// An empty selected name gets a placeholder, for the code to parse.
	if sel == len(code) || !isIdentRune(rune(code[sel])) {
		code = code[:sel] + "_" + code[sel:]
	}
	var out []string
	found := false
	members := func(v *editView) {
		se := v.selectorAt(sel)
		if se == nil {
			return
		}
		found = true
		if id, ok := se.X.(*ast.Ident); ok {
			if pn, ok := v.info.Uses[id].(*types.PkgName); ok {
				out = s.members(pn.Imported().Path())
				return
			}
		}
		tv, ok := v.info.Types[se.X]
		if ok && tv.Type != nil && tv.IsValue() && !containsInvalid(tv.Type) {
			out = memberNames(tv.Type, v.pkg)
		}
	}
	s.editCheck(code, members)
	if !found {
		// A syntax error elsewhere lost the selector: check the item
		// under the cursor alone, the others blanked (offsets kept).
		b := []byte(code)
		for _, it := range topItems(code) {
			if it.start > sel || sel > it.end {
				for i := it.start; i < it.end; i++ {
					if b[i] != '\n' {
						b[i] = ' '
					}
				}
			}
		}
		s.editCheck(string(b), members)
	}
	return out
}

// importsIn returns the import specs in code, which need not compile.
func importsIn(code string) []importSpec {
	chunks, err := splitCell(code, 0)
	if err != nil {
		return nil
	}
	var out []importSpec
	for _, c := range chunks {
		out = append(out, c.imports...)
	}
	return out
}

// pkgPath returns the import path a local package name refers to in the
// session or in code.
func (s *Session) pkgPath(name, code string) string {
	s.mu.Lock()
	p, ok := s.pkgs[name]
	s.mu.Unlock()
	if ok {
		return p
	}
	for _, imp := range importsIn(code) {
		if imp.localName() == name {
			return imp.path
		}
	}
	s.mu.Lock()
	_, ok = s.syms[name]
	s.mu.Unlock()
	if ok && name != "warrenhook" {
		return name // a standard package used without an import yet: still helpful
	}
	return ""
}

// members lists the exported names of the package at import path p: its
// compiled symbols and, for the packages warren supplies as interpreted
// source (slices, maps, …), their generic functions and types.
func (s *Session) members(p string) []string {
	if p == "warrenhook" {
		return nil
	}
	s.mu.Lock()
	var out []string
	for name := range s.syms[p] {
		if ast.IsExported(name) {
			out = append(out, name)
		}
	}
	s.mu.Unlock()
	return append(out, genericNames(p)...)
}

// describeMember documents pkg.name: from the Go source when available
// (the standard library under GOROOT), else from reflection.
func (s *Session) describeMember(path, name string, detail int) string {
	s.mu.Lock()
	sym, ok := s.syms[path][name]
	s.mu.Unlock()
	if !ok {
		return ""
	}
	if text := docOf(path, name, detail); text != "" {
		return text
	}
	local := path[strings.LastIndex(path, "/")+1:]
	switch {
	case sym.Kind() == reflect.Func:
		return fmt.Sprintf("func %s.%s%s", local, name, strings.TrimPrefix(sym.Type().String(), "func"))
	case sym.Kind() == reflect.Pointer && sym.IsNil():
		t := sym.Type().Elem()
		return fmt.Sprintf("type %s.%s %s", local, name, t.Kind())
	default:
		if sym.CanInterface() {
			return fmt.Sprintf("%s.%s %v = %v", local, name, sym.Type(), sym.Interface())
		}
		return fmt.Sprintf("%s.%s %v", local, name, sym.Type())
	}
}

var (
	docMu    sync.Mutex
	docCache = map[string]*doc.Package{}
)

// docSource returns the source files documenting an import path and the
// directory name to report for them: ray and display from the source
// embedded in the binary (package warren), the standard library from
// GOROOT/src; nil when there is none.
func docSource(path string) (fs.FS, string) {
	switch path {
	case "ray", "github.com/warren-go/warren/parallel":
		sub, err := fs.Sub(warren.Source, "parallel")
		if err != nil {
			return nil, ""
		}
		return sub, "parallel"
	case "display", "github.com/warren-go/warren/interp/display":
		sub, err := fs.Sub(warren.Source, "interp/display")
		if err != nil {
			return nil, ""
		}
		return sub, "interp/display"
	}
	if strings.Contains(strings.Split(path, "/")[0], ".") {
		return nil, "" // not standard library
	}
	root := goroot()
	if root == "" {
		return nil, ""
	}
	dir := filepath.Join(root, "src", path)
	return os.DirFS(dir), dir
}

// goroot finds the Go installation whose sources document the standard
// library: $GOROOT, else what `go env GOROOT` reports; "" when neither exists.
var goroot = sync.OnceValue(func() string {
	if r := os.Getenv("GOROOT"); r != "" {
		return r
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
})

// pkgDoc parses the documentation of an import path, nil when its source is
// not available.
func pkgDoc(path string) *doc.Package {
	docMu.Lock()
	defer docMu.Unlock()
	if d, ok := docCache[path]; ok {
		return d
	}
	var d *doc.Package
	if fsys, dir := docSource(path); fsys != nil {
		fset := token.NewFileSet()
		var files []*ast.File
		entries, _ := fs.ReadDir(fsys, ".")
		for _, e := range entries {
			n := e.Name()
			if !strings.HasSuffix(n, ".go") || strings.HasSuffix(n, "_test.go") {
				continue
			}
			src, err := fs.ReadFile(fsys, n)
			if err != nil {
				continue
			}
			f, err := parser.ParseFile(fset, filepath.Join(dir, n), src, parser.ParseComments|parser.SkipObjectResolution)
			if err == nil && !strings.HasSuffix(f.Name.Name, "_test") {
				files = append(files, f)
			}
		}
		if len(files) > 0 {
			d, _ = doc.NewFromFiles(fset, files, path)
			if d != nil {
				docFsets[d] = fset
			}
		}
	}
	docCache[path] = d
	return d
}

var docFsets = map[*doc.Package]*token.FileSet{}

// docOf returns the declaration and doc comment of path.name, or of a
// method when name is "Type.Method".
func docOf(path, name string, detail int) string {
	d := pkgDoc(path)
	if d == nil {
		return ""
	}
	docMu.Lock()
	fset := docFsets[d]
	docMu.Unlock()
	format := func(decl ast.Decl, text string) string {
		var b bytes.Buffer
		if fd, ok := decl.(*ast.FuncDecl); ok && detail == 0 {
			cp := *fd
			cp.Body = nil
			cp.Doc = nil
			decl = &cp
		}
		if gd, ok := decl.(*ast.GenDecl); ok {
			cp := *gd
			cp.Doc = nil
			decl = &cp
		}
		printer.Fprint(&b, fset, decl)
		if text != "" {
			b.WriteString("\n\n" + strings.TrimSpace(text))
		}
		return b.String()
	}
	for _, f := range d.Funcs {
		if f.Name == name {
			return format(f.Decl, f.Doc)
		}
	}
	for _, t := range d.Types {
		if t.Name == name {
			return format(t.Decl, t.Doc)
		}
		for _, f := range t.Funcs {
			if f.Name == name {
				return format(f.Decl, f.Doc)
			}
		}
		for _, m := range t.Methods {
			if t.Name+"."+m.Name == name {
				return format(m.Decl, m.Doc)
			}
		}
		for _, v := range append(t.Consts, t.Vars...) {
			for _, n := range v.Names {
				if n == name {
					return format(v.Decl, v.Doc)
				}
			}
		}
	}
	for _, v := range append(d.Consts, d.Vars...) {
		for _, n := range v.Names {
			if n == name {
				return format(v.Decl, v.Doc)
			}
		}
	}
	return ""
}

// IsComplete reports whether code is ready to run, from its go/scanner
// tokens: "incomplete" with a suggested indent while brackets are open or a
// raw string or comment is unterminated, "invalid" for a closing bracket
// without an opener, "complete" otherwise.
func IsComplete(code string) (status, indent string) {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(code))
	var s scanner.Scanner
	unterminated, bad := false, false
	s.Init(f, []byte(code), func(pos token.Position, msg string) {
		switch {
		case strings.Contains(msg, "raw string literal not terminated"),
			strings.Contains(msg, "comment not terminated"):
			unterminated = true
		default:
			bad = true
		}
	}, 0)
	var stack []token.Token
	last := token.ILLEGAL
	for {
		_, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		switch t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			stack = append(stack, t)
		case token.RPAREN, token.RBRACE, token.RBRACK:
			open := map[token.Token]token.Token{token.RPAREN: token.LPAREN, token.RBRACE: token.LBRACE, token.RBRACK: token.LBRACK}[t]
			if len(stack) == 0 || stack[len(stack)-1] != open {
				return "invalid", ""
			}
			stack = stack[:len(stack)-1]
		}
		if !(t == token.SEMICOLON && lit == "\n") {
			last = t
		}
	}
	if unterminated {
		return "incomplete", ""
	}
	if bad {
		return "invalid", ""
	}
	if len(stack) > 0 {
		return "incomplete", strings.Repeat("    ", len(stack))
	}
	// A trailing binary operator or comma continues on the next line.
	switch last {
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.AND, token.OR, token.XOR,
		token.SHL, token.SHR, token.AND_NOT, token.LAND, token.LOR, token.COMMA, token.PERIOD,
		token.ASSIGN, token.DEFINE, token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		return "incomplete", ""
	}
	return "complete", ""
}
