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

// importPathAt reports whether cursor is inside the path string of an
// import declaration in code, and the offset where the string's text
// starts (after its quote).
func importPathAt(code string, cursor int) (start int, ok bool) {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(code))
	var sc scanner.Scanner
	sc.Init(f, []byte(code), func(token.Position, string) {}, 0)
	inImport, group := false, false
	for {
		p, t, lit := sc.Scan()
		off := f.Offset(p)
		if t == token.EOF || off >= cursor {
			return 0, false
		}
		switch {
		case t == token.IMPORT:
			inImport, group = true, false
		case inImport && t == token.LPAREN:
			group = true
		case inImport && t == token.STRING:
			if off < cursor && cursor <= off+len(lit) && !(len(lit) > 1 && cursor == off+len(lit) && lit[len(lit)-1] == lit[0]) {
				return off + 1, true
			}
			inImport = group
		case inImport && (t == token.IDENT || t == token.PERIOD || t == token.SEMICOLON && group):
			// a package name, or the end of one spec in a group
		case inImport && t == token.RPAREN && group:
			inImport = false
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
		if strings.HasPrefix(p, prefix) && !seen[p] && p != "warrenhook" && p != "." &&
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
