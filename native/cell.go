package native

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// CellFile is the file name compile errors of a cell's package report:
// positions read "cell:LINE:COL" with LINE and COL in the cell.
const CellFile = "cell"

// A Cell is the source of a notebook cell, cut into imports, declarations
// and statements, for building as a package.
type Cell struct {
	Imports []Import
	items   []item
	// Names are the top-level names the cell declares (functions, types,
	// variables, constants; not methods), by kind: "func", "type", "var",
	// "const". Generic functions and types are "generic".
	Names map[string]string
	// Uses holds every identifier the cell mentions, except selected
	// names (x.Sel) and composite literal keys: a superset of the
	// package-level names it refers to.
	Uses map[string]bool

	src  string    // the package source after the package clause and imports
	file *ast.File // src parsed
}

// An Import is an import of a cell.
type Import struct {
	Name, Path string // Name is empty unless the import names the package
}

type item struct {
	decl      bool
	text      string
	line, col int
}

// ParseCell cuts code into top-level items. Imports, func, type, const and
// var declarations become package-level; every other statement belongs to
// the package's run function, in order.
func ParseCell(code string) (*Cell, error) {
	fset := token.NewFileSet()
	f := fset.AddFile(CellFile, -1, len(code))
	var s scanner.Scanner
	var errs scanner.ErrorList
	s.Init(f, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	type tok struct {
		off int
		t   token.Token
		end int
	}
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		off := f.Offset(pos)
		end := off + len(lit)
		if lit == "" || (t == token.SEMICOLON && lit == "\n") {
			end = off + len(t.String())
		}
		toks = append(toks, tok{off, t, end})
	}
	type seg struct {
		decl, imp  bool
		start, end int
	}
	var segs []seg
	depth, begin := 0, -1
	flush := func(last int) {
		if begin < 0 {
			return
		}
		sg := seg{start: toks[begin].off, end: toks[last].end}
		switch toks[begin].t {
		case token.IMPORT:
			sg.imp = true
		case token.TYPE, token.CONST, token.VAR:
			sg.decl = true
		case token.FUNC:
			// func Name…, or a method func (r T) Name(…; not a literal.
			if begin+1 < len(toks) && toks[begin+1].t == token.IDENT {
				sg.decl = true
			} else if begin+1 < len(toks) && toks[begin+1].t == token.LPAREN {
				d := 0
				for j := begin + 1; j < len(toks); j++ {
					if toks[j].t == token.LPAREN {
						d++
					} else if toks[j].t == token.RPAREN {
						d--
					}
					if d == 0 {
						sg.decl = j+2 < len(toks) && toks[j+1].t == token.IDENT &&
							(toks[j+2].t == token.LPAREN || toks[j+2].t == token.LBRACK)
						break
					}
				}
			}
		}
		segs = append(segs, sg)
		begin = -1
	}
	for i, t := range toks {
		switch t.t {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if t.t == token.SEMICOLON && depth == 0 {
			flush(i - 1)
			continue
		}
		if begin < 0 {
			begin = i
		}
	}
	flush(len(toks) - 1)
	if len(errs) > 0 {
		return nil, errs.Err()
	}
	c := &Cell{}
	for _, sg := range segs {
		text := code[sg.start:sg.end]
		p := f.Position(f.Pos(sg.start))
		if sg.imp {
			imps, err := parseImports(text, p.Line)
			if err != nil {
				return nil, err
			}
			c.Imports = append(c.Imports, imps...)
			continue
		}
		c.items = append(c.items, item{decl: sg.decl, text: text, line: p.Line, col: p.Column})
	}
	var body strings.Builder
	var run strings.Builder
	for _, it := range c.items {
		dir := fmt.Sprintf("/*line %s:%d:%d*/", CellFile, it.line, it.col)
		if it.decl {
			body.WriteString(dir + it.text + "\n")
		} else {
			run.WriteString(dir + it.text + "\n")
		}
	}
	c.src = body.String() + "\nfunc " + RunFunc + "() {\n" + run.String() + "}\n"
	if err := c.analyze(); err != nil {
		return nil, err
	}
	if c.declaresMain() && !c.callsMain() {
		// As `go run` does: package initializers (when the plugin
		// loads), then the cell's statements, then main.
		c.src = strings.TrimSuffix(c.src, "}\n") + "main()\n}\n"
		if err := c.analyze(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Decls returns the source of the cell's top-level declarations (func,
// type, const and var), one item each, in order.
func (c *Cell) Decls() []string {
	var out []string
	for _, it := range c.items {
		if it.decl {
			out = append(out, it.text)
		}
	}
	return out
}

// declaresMain reports whether the cell declares func main.
func (c *Cell) declaresMain() bool {
	for _, d := range c.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == "main" {
			return true
		}
	}
	return false
}

// callsMain reports whether the cell's statements call main themselves.
func (c *Cell) callsMain() bool {
	calls := false
	for _, d := range c.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == RunFunc {
			ast.Inspect(fd.Body, func(n ast.Node) bool {
				if ce, ok := n.(*ast.CallExpr); ok {
					if id, ok := ce.Fun.(*ast.Ident); ok && id.Name == "main" {
						calls = true
					}
				}
				return !calls
			})
		}
	}
	return calls
}

// CellrtPath is the import path of the package that a cell's compiled code
// calls for its go statements, os.Exit and log.Fatal (see BuildOptions).
const CellrtPath = "github.com/warren-go/warren/native/cellrt"

// cellrtFile is a file of package pkg that imports cellrt, so that the go
// command gives the compiler its export data.
func cellrtFile(pkg string) []byte {
	return []byte(fmt.Sprintf("package %s\n\nimport cellrt %q\n\n// The cell's code calls cellrt once rewritten (BuildOptions.CellPrefix).\nvar _ = cellrt.Start\n", pkg, CellrtPath))
}

// analyze parses the cell's package source and fills Names and Uses.
func (c *Cell) analyze() error {
	af, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+c.src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	c.file = af
	c.Names = map[string]string{}
	for _, d := range af.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv != nil || d.Name.Name == RunFunc || d.Name.Name == "init" || d.Name.Name == "main" || d.Name.Name == "_" {
				continue
			}
			c.Names[d.Name.Name] = "func"
			if d.Type.TypeParams != nil {
				c.Names[d.Name.Name] = "generic"
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					c.Names[sp.Name.Name] = "type"
					if sp.TypeParams != nil {
						c.Names[sp.Name.Name] = "generic"
					}
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						if n.Name != "_" {
							c.Names[n.Name] = d.Tok.String()
						}
					}
				}
			}
		}
	}
	c.Uses = map[string]bool{}
	ast.Inspect(af, c.collect)
	return nil
}

// collect adds the identifiers under n to c.Uses.
func (c *Cell) collect(n ast.Node) bool {
	switch n := n.(type) {
	case *ast.SelectorExpr:
		ast.Inspect(n.X, c.collect)
		return false
	case *ast.KeyValueExpr:
		// A composite literal's field name is not a use.
		if _, ok := n.Key.(*ast.Ident); !ok {
			ast.Inspect(n.Key, c.collect)
		}
		ast.Inspect(n.Value, c.collect)
		return false
	case *ast.Ident:
		c.Uses[n.Name] = true
	}
	return true
}

func parseImports(text string, line int) ([]Import, error) {
	src := "package p;" + fmt.Sprintf("/*line %s:%d:1*/", CellFile, line) + text
	af, err := parser.ParseFile(token.NewFileSet(), "", src, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	var out []Import
	for _, is := range af.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		imp := Import{Path: p}
		if is.Name != nil {
			imp.Name = is.Name.Name
		}
		out = append(out, imp)
	}
	return out, nil
}

// A Package says how to build a cell as a package.
type Package struct {
	Name       string            // package name
	ImportPath string            // its import path
	Paths      map[string]string // import path rewrites ("ray" → the runtime's path)
	// Implicit maps a package name that cells use without importing it
	// ("ray") to its import path: it is imported when the cell uses it.
	Implicit map[string]string
	// Dot maps packages imported with a dot (earlier cells whose exported
	// names this cell uses) to a name each declares, or "" for none: the
	// package refers to it so that the import is used.
	Dot map[string]DotName
}

// Files returns the package's source files: the cell's code with line
// directives, a run function holding its statements (RunFunc), and a
// symbol table of its top-level names (SymbolsVar) in the form of yaegi's
// interp.Exports, under ImportPath/Name.
func (c *Cell) Files(pkg Package) (map[string][]byte, error) {
	src := strings.Replace(c.src, "\nfunc "+RunFunc+"() {", "\nfunc "+RunFunc+suffix(pkg.ImportPath)+"() {", 1)
	imports := map[string]string{} // path → name ("" default)
	declared := map[string]bool{}
	for _, imp := range c.Imports {
		p := imp.Path
		if r, ok := pkg.Paths[p]; ok {
			p = r
			if imp.Name == "" {
				imp.Name = imp.Path
			}
		}
		imports[p] = imp.Name
		n := imp.Name
		if n == "" {
			n = p[strings.LastIndex(p, "/")+1:]
		}
		declared[n] = true
	}
	for n := range c.Names {
		declared[n] = true
	}
	// Implicit packages used as x.Sel and not declared by the cell.
	ast.Inspect(c.file, func(n ast.Node) bool {
		if se, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := se.X.(*ast.Ident); ok && !declared[id.Name] {
				if p, ok := pkg.Implicit[id.Name]; ok {
					imports[p] = id.Name
					declared[id.Name] = true
				}
			}
		}
		return true
	})
	var refs strings.Builder
	for d, n := range pkg.Dot {
		imports[d] = "."
		switch n.Kind {
		case "type":
			fmt.Fprintf(&refs, "var _ *%s\n", n.Name)
		case "func", "var", "const":
			fmt.Fprintf(&refs, "var _ = %s\n", n.Name)
		}
	}
	var head strings.Builder
	fmt.Fprintf(&head, "package %s\n\n", pkg.Name)
	paths := make([]string, 0, len(imports))
	for p := range imports {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintf(&head, "import %s %q\n", imports[p], p)
	}
	files := map[string][]byte{"cell.go": []byte(head.String() + refs.String() + src)}

	var tab strings.Builder
	fmt.Fprintf(&tab, "package %s\n\nimport \"reflect\"\n\n// %s is the package's symbol table.\nvar %s = map[string]map[string]reflect.Value{%q: {\n", pkg.Name, SymbolsVar, SymbolsVar+suffix(pkg.ImportPath), pkg.ImportPath+"/"+pkg.Name)
	names := make([]string, 0, len(c.Names))
	for n := range c.Names {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		switch c.Names[n] {
		case "func", "const":
			fmt.Fprintf(&tab, "\t%q: reflect.ValueOf(%s),\n", n, n)
		case "var":
			fmt.Fprintf(&tab, "\t%q: reflect.ValueOf(&%s).Elem(),\n", n, n)
		case "type":
			fmt.Fprintf(&tab, "\t%q: reflect.ValueOf((*%s)(nil)),\n", n, n)
		}
	}
	tab.WriteString("}}\n")
	files["symbols.go"] = []byte(tab.String())
	files["cellrt.go"] = cellrtFile(pkg.Name)
	return files, nil
}

// A DotName is a name of a dot-imported package and its kind ("func",
// "type", "var", "const").
type DotName struct{ Name, Kind string }

// Names of what a cell's package exports to its plugin, followed by the
// last element of its import path (unique, so that cells dot-importing
// each other do not collide).
const (
	RunFunc    = "WarrenRun_"     // func(): the cell's statements
	SymbolsVar = "WarrenSymbols_" // the symbol table
)

func suffix(importPath string) string { return importPath[strings.LastIndex(importPath, "/")+1:] }

// PluginMain returns the source of a plugin's main package that exposes
// the package at importPath: its symbol table as Symbols and its run
// function as Run.
func PluginMain(importPath string) []byte {
	return []byte(fmt.Sprintf(`package main

import c %q

// Symbols is the cell's symbol table.
var Symbols = c.%s

// Run runs the cell's statements.
func Run() { c.%s() }
`, importPath, SymbolsVar+suffix(importPath), RunFunc+suffix(importPath)))
}
