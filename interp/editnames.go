package interp

// Names the editor offers that no value carries: import paths, and the
// generic functions of the packages warren supplies as interpreted source.

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/warren-go/warren/interp/stdgeneric"
)

// cursorIn tells where a cursor is, for completion.
type cursorIn int

const (
	inCode       cursorIn = iota
	inImportPath          // the path string of an import declaration
	inLiteral             // another string, a rune literal or a comment
)

// cursorAt tells whether cursor is inside a string, rune literal or
// comment of code, and for an import declaration's path the offset where
// the string's text starts (after its quote).
func cursorAt(code string, cursor int) (where cursorIn, start int) {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	sc.Init(f, []byte(code), func(token.Position, string) {}, scanner.ScanComments)
	inImport, group := false, false
	for {
		p, t, lit := sc.Scan()
		off := f.Offset(p)
		if t == token.EOF || off >= cursor {
			return inCode, 0
		}
		inside := false
		switch t {
		case token.STRING, token.CHAR, token.COMMENT:
			// Inside: after the opening quote (or //), and before the
			// closing one, if any.
			closed := len(lit) > 1 && (t == token.COMMENT && strings.HasPrefix(lit, "//") ||
				lit[len(lit)-1] == lit[0] || strings.HasSuffix(lit, "*/"))
			inside = cursor > off && (cursor < off+len(lit) || cursor == off+len(lit) && !closed)
		}
		if inside && t == token.STRING && inImport {
			return inImportPath, off + 1
		}
		if inside {
			return inLiteral, 0
		}
		switch {
		case t == token.COMMENT:
		case t == token.IMPORT:
			inImport, group = true, false
		case inImport && t == token.LPAREN:
			group = true
		case inImport && t == token.STRING:
			inImport = group
		case inImport && (t == token.IDENT || t == token.PERIOD || t == token.SEMICOLON && group):
			// a package name, or the end of one spec in a group
		default:
			inImport = false
		}
	}
}

// importPaths lists the import paths starting with prefix that cells can
// import without fetching anything: the standard library, ray, display,
// the other built-in packages, packages loaded or modules fetched (%go get)
// in the session.
func (s *Session) importPaths(prefix string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		// Not the session's own tables (warrenhook, "fmt/.", yaegi's).
		if strings.HasPrefix(p, prefix) && !seen[p] && p != "warrenhook" && p != "." &&
			!strings.HasSuffix(p, "/.") && !strings.HasPrefix(p, "github.com/traefik/yaegi/") &&
			!strings.Contains(p, "internal") && !strings.Contains(p, "vendor/") {
			seen[p] = true
			out = append(out, p)
		}
	}
	s.mu.Lock()
	for p := range s.syms {
		add(p)
	}
	for p := range s.modules {
		add(p)
	}
	s.mu.Unlock()
	for _, p := range stdgeneric.Packages {
		add(p)
	}
	sort.Strings(out)
	return out
}

// noteModule records a module fetched with %go get (spec is
// MODULE[@VERSION]) for import path completion.
func (s *Session) noteModule(spec string) {
	mod, _, _ := strings.Cut(spec, "@")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.modules == nil {
		s.modules = map[string]bool{}
	}
	s.modules[mod] = true
}

// genericNames returns the exported names of package p's interpreted
// source (stdgeneric), none for other packages.
func genericNames(p string) []string {
	return stdgenericNames()[p]
}

var stdgenericNames = sync.OnceValue(func() map[string][]string {
	out := map[string][]string{}
	for _, p := range stdgeneric.Packages {
		src, err := stdgeneric.Source(p)
		if err != nil {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		var names []string
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, sp := range d.Specs {
					switch sp := sp.(type) {
					case *ast.TypeSpec:
						names = append(names, sp.Name.Name)
					case *ast.ValueSpec:
						for _, n := range sp.Names {
							names = append(names, n.Name)
						}
					}
				}
			}
		}
		out[p] = slices.DeleteFunc(names, func(n string) bool { return !ast.IsExported(n) })
	}
	return out
})
