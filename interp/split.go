package interp

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"strings"
)

// chunkKind is what yaegi can evaluate in one Eval: imports, declarations or
// statements (it rejects a mix of declarations and statements).
type chunkKind int

const (
	kindImport chunkKind = iota
	kindDecl
	kindStmt
)

func (k chunkKind) String() string {
	return [...]string{"import", "decl", "stmt"}[k]
}

// A chunk is a run of consecutive top-level items of one kind in a cell.
type chunk struct {
	kind       chunkKind
	start, end int // byte offsets in the cell
	line, col  int // position of start in the cell, 1-based
	endLine    int
	text       string // the cell's text of the chunk, go statements rewritten

	imports  []importSpec          // kindImport
	names    []string              // identifiers declared at top level
	types    map[string]string     // type name → its source (kindDecl and kindStmt)
	methods  map[string]methodSig  // "T.M" → the chunk's method declarations
	generics map[string]genericSig // the chunk's generic functions
	varTypes map[string]string     // types of the chunk's top-level variables ("" unknown)

	segs  []textSeg // where the text is in what go/types checked
	typed typedAt   // what go/types tells of the chunk's ranges and defers

	items []cellItem  // the chunk's top-level items as the cell wrote them (ship.go)
	lits  []liftedLit // function literals given to ray.Remote (shiprewrite.go)

	trailing  bool // the cell ends with this chunk's expression statement
	hideValue bool // the trailing expression is a print-like call
	// valueText is text with the trailing expression passed to the Value
	// hook, set when the value is to be shown (trailing && !hideValue).
	valueText string
	// simple: the statements are straight-line code that cannot wait on
	// anything (see simple.go); they may run without the Begin hook.
	simple bool
	pauses bool // with pause checks (debugpause.go)
}

// A cellItem is one top-level item of a cell as written.
type cellItem struct {
	kind chunkKind
	text string
	line int
}

type importSpec struct{ name, path string }

// key identifies an import for deduplication.
func (s importSpec) key() string { return s.name + " " + s.path }

func (s importSpec) String() string {
	if s.name != "" {
		return s.name + " " + fmt.Sprintf("%q", s.path)
	}
	return fmt.Sprintf("%q", s.path)
}

// localName is the name the import binds in the cell.
func (s importSpec) localName() string {
	if s.name != "" {
		return s.name
	}
	p := s.path
	if i := strings.LastIndex(p, "/"); i >= 0 {
		p = p[i+1:]
	}
	return p
}

type tok struct {
	pos int // byte offset
	tok token.Token
	lit string
}

func (t tok) end() int {
	if t.tok == token.SEMICOLON && t.lit == "\n" {
		return t.pos
	}
	if t.lit != "" {
		return t.pos + len(t.lit)
	}
	return t.pos + len(t.tok.String())
}

// rayModulePath is the import path of package ray in compiled Go.
const rayModulePath = "github.com/warren-go/warren/parallel"

// lineBase encodes the cell in the line numbers yaegi reports: line L of the
// session's cell N is line N*lineBase+L. (The file name of a line directive
// cannot carry it: yaegi keys imports by file name, and must see "_.go".)
// Cell numbers wrap at maxCellNum to keep encoded lines below yaegi's
// limit (2^30).
const (
	lineBase   = 100000
	maxCellNum = 10000
)

// splitCell cuts code, the session's cell n, into chunks in source order.
func splitCell(code string, n int) ([]*chunk, error) { return splitCellIn(code, n, nil) }

// A cellEnv is what splitting a cell needs to know of the session.
type cellEnv struct {
	shadowed func(string) bool               // names declared by earlier cells
	method   func(string) (methodSig, bool)  // methods declared by earlier cells, by "T.M"
	generic  func(string) (genericSig, bool) // generic functions declared by earlier cells
	varType  func(string) (string, bool)     // known types of earlier cells' variables
	cellType func(string) bool               // concrete types declared by earlier cells
	basics   func() map[string]string        // earlier cells' types with a basic underlying type
	known    earlier                         // what earlier cells declared, for go/types
	pauses   bool                            // a debugger is attached: insert pause checks (debugpause.go)
	funcSig  func(string) (string, bool)     // types of earlier cells' non-generic functions
}

// splitCellIn is splitCell in a session; env may be nil.
func splitCellIn(code string, n int, env *cellEnv) ([]*chunk, error) {
	file := "_.go"
	fset := token.NewFileSet()
	f := fset.AddFile(file, -1, len(code))
	var s scanner.Scanner
	var errs scanner.ErrorList
	s.Init(f, []byte(code), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)
	var toks []tok
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{f.Offset(pos), t, lit})
	}
	if len(errs) > 0 {
		return nil, errs.Err()
	}

	// Cut the cell at depth-0 semicolons into runs of one kind. (A cut may
	// fall inside an if/for/switch header; the parser sorts that out.)
	var runs []*item
	depth := 0
	begin := -1
	for i, t := range toks {
		switch t.tok {
		case token.LPAREN, token.LBRACE, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if begin < 0 {
			if t.tok == token.SEMICOLON {
				continue
			}
			begin = i
		}
		last := i == len(toks)-1
		if (t.tok == token.SEMICOLON && depth <= 0) || last {
			endTok := i
			if t.tok == token.SEMICOLON {
				endTok = i - 1
			}
			if endTok >= begin {
				kind, start, end := classify(toks, begin), toks[begin].pos, toks[endTok].end()
				switch {
				case toks[begin].tok == token.PACKAGE && len(runs) == 0 && endTok == begin+1:
					// A package clause (a whole program pasted into a
					// cell) names the package all cells are in already.
				case len(runs) > 0 && runs[len(runs)-1].kind == kind && kind != kindImport:
					runs[len(runs)-1].end = end
				default:
					runs = append(runs, &item{kind: kind, start: start, end: end})
				}
			}
			begin = -1
		}
	}

	// Top-level items, for ordering; without them (a syntax error, which
	// analyze reports), runs are chunks in source order.
	items, parsed := cellItems(code, runs)
	if !parsed {
		items = runs
	}
	for i, it := range items {
		it.idx = i
	}
	mainDecl, callMain := false, false
	if parsed {
		var shadowed func(string) bool
		if env != nil {
			shadowed = env.shadowed
		}
		ordered, err := orderItems(items, code, n, shadowed)
		if err != nil {
			return nil, err
		}
		items = ordered
		for _, it := range items {
			mainDecl = mainDecl || it.mainDecl
			callMain = callMain || it.callMain
		}
	}

	var chunks []*chunk
	var members [][]*item
	for _, it := range items {
		if k := len(chunks); k > 0 && chunks[k-1].kind == it.kind && it.kind != kindImport {
			chunks[k-1].end = it.end
			members[k-1] = append(members[k-1], it)
			continue
		}
		chunks = append(chunks, &chunk{kind: it.kind, start: it.start, end: it.end})
		members = append(members, []*item{it})
	}
	names := &userNames{cell: n, methods: map[string]methodSig{}, generics: map[string]genericSig{}, varTypes: map[string]string{}, basics: map[string]string{}, funcSigs: map[string]string{}}
	if env != nil {
		names.shadowed, names.method, names.generic, names.varType = env.shadowed, env.method, env.generic, env.varType
		names.cellType, names.sessionBasics, names.funcSig = env.cellType, env.basics, env.funcSig
	}
	names.types = map[string]bool{}
	for _, it := range items {
		for _, t := range it.types {
			names.types[t] = true
		}
	}
	for i, its := range members {
		for _, it := range its {
			if it.kind == kindDecl && len(it.types) > 0 {
				for k, b := range basicUnderlying(code[it.start:it.end]) {
					names.basics[k] = b
				}
				for k, t := range typeSources(code[it.start:it.end]) {
					names.varTypes[k] = t
					if chunks[i].varTypes == nil {
						chunks[i].varTypes = map[string]string{}
					}
					chunks[i].varTypes[k] = t
				}
			}
			if it.kind == kindDecl {
				for k, sig := range funcSigs(code[it.start:it.end]) {
					names.funcSigs[k] = sig
				}
				for k, t := range funcResults(code[it.start:it.end]) {
					names.varTypes[k] = t
					if chunks[i].varTypes == nil {
						chunks[i].varTypes = map[string]string{}
					}
					chunks[i].varTypes[k] = t
				}
			}
			if it.kind == kindDecl && strings.Contains(code[it.start:it.end], "[") {
				for k, sig := range genericSigs(code[it.start:it.end]) {
					names.generics[k] = sig
					if chunks[i].generics == nil {
						chunks[i].generics = map[string]genericSig{}
					}
					chunks[i].generics[k] = sig
				}
			}
			if it.recv == "" {
				continue
			}
			for k, sig := range methodSigs(code[it.start:it.end]) {
				names.methods[k] = sig
				if chunks[i].methods == nil {
					chunks[i].methods = map[string]methodSig{}
				}
				chunks[i].methods[k] = sig
				// A method's single result type, for spelled types (minmax.go).
				res := ""
				if !strings.HasPrefix(sig.results, "(") {
					res = sig.results
				}
				names.varTypes[k+"()"] = res
				if chunks[i].varTypes == nil {
					chunks[i].varTypes = map[string]string{}
				}
				chunks[i].varTypes[k+"()"] = res
			}
		}
	}
	for i, c := range chunks {
		c.init(f, code, n, members[i])
	}
	var known earlier
	if env != nil {
		known = env.known
	}
	for _, c := range chunks {
		if err := c.prepare(n, names); err != nil {
			return nil, err
		}
	}
	// go/types sees the prepared texts, one after the other, so that
	// offsets in them are what the rewrites of analyze look up.
	var prepared strings.Builder
	for _, c := range chunks {
		start := prepared.Len()
		prepared.WriteString(c.text)
		c.segs = []textSeg{{0, start, prepared.Len()}}
		prepared.WriteString("\n")
	}
	ct := checkCell(prepared.String(), chunks, known)
	if ct != nil && ct.ctxKey != nil {
		return nil, contextKeyError(ct.ctxKey, chunks, n)
	}
	for i, c := range chunks {
		c.typed = typedAt{ct, c.segs}
		c.pauses = env != nil && env.pauses
		if err := c.analyze(n, names, i == len(chunks)-1); err != nil {
			return nil, err
		}
	}
	if call := names.calls(mainDecl && !callMain); call != "" {
		line := 1
		for _, it := range items {
			if it.mainDecl {
				line = f.Position(f.Pos(it.start)).Line
			}
		}
		chunks = append(chunks, &chunk{kind: kindStmt, line: line, col: 1, endLine: line, text: call + "; " + goHook + ".End()"})
	}
	if len(chunks) == 0 {
		return nil, nil
	}
	return chunks, nil
}

// init sets the chunk's position and text from code. its are the chunk's
// items; when they are not consecutive in the cell (the cell was
// reordered), each starts with a line directive of its own.
func (c *chunk) init(f *token.File, code string, n int, its []*item) {
	p := f.Position(f.Pos(c.start))
	c.line, c.col = p.Line, p.Column
	c.endLine = f.Position(f.Pos(max(c.start, c.end))).Line
	for _, it := range its {
		c.items = append(c.items, cellItem{it.kind, it.prefix + code[it.start:it.end], f.Position(f.Pos(it.start)).Line})
	}
	for k := 0; k < len(its); k++ {
		if its[k].prefix == "" && (k == 0 || its[k].idx == its[k-1].idx+1) {
			continue
		}
		var b strings.Builder
		for j, it := range its {
			p := f.Position(f.Pos(it.start))
			if j > 0 {
				b.WriteString(";\n")
			}
			b.WriteString(it.prefix)
			if j > 0 || it.prefix != "" {
				fmt.Fprintf(&b, "/*line _.go:%d:%d*/", (n%maxCellNum)*lineBase+p.Line, p.Column)
			}
			b.WriteString(code[it.start:it.end])
			c.line = min(c.line, p.Line)
			c.endLine = max(c.endLine, f.Position(f.Pos(it.end)).Line)
		}
		c.text = b.String()
		break
	}
	if c.text == "" {
		c.text = code[c.start:c.end]
	}
}

// classify reports the kind of the top-level item starting at toks[i].
func classify(toks []tok, i int) chunkKind {
	switch toks[i].tok {
	case token.IMPORT:
		return kindImport
	case token.TYPE, token.CONST:
		return kindDecl
	case token.FUNC:
		if i+1 >= len(toks) {
			return kindDecl
		}
		switch toks[i+1].tok {
		case token.IDENT:
			return kindDecl
		case token.LPAREN:
			// A method `func (r T) Name(` or a literal `func(…) … {…}(…)`.
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch toks[j].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if j+2 < len(toks) && toks[j+1].tok == token.IDENT &&
						(toks[j+2].tok == token.LPAREN || toks[j+2].tok == token.LBRACK) {
						return kindDecl
					}
					return kindStmt
				}
			}
		}
		return kindStmt
	}
	if toks[i].tok == token.VAR {
		// A var with initializers runs as a statement: initializers may
		// call cell code, which must not run while the session compiles.
		// Without initializers it is a declaration (yaegi mis-compiles
		// some, like `var wg sync.WaitGroup`, as statements).
		depth := 0
		for j := i; j < len(toks); j++ {
			switch toks[j].tok {
			case token.LPAREN, token.LBRACE, token.LBRACK:
				depth++
			case token.RPAREN, token.RBRACE, token.RBRACK:
				depth--
			case token.ASSIGN:
				return kindStmt
			case token.SEMICOLON:
				if depth <= 0 {
					return kindDecl
				}
			}
		}
		return kindDecl
	}
	return kindStmt
}

// directive returns a /*line*/ comment that makes what follows it start at
// the chunk's position in cell n (see lineBase).
func (c *chunk) directive(n int) string {
	return fmt.Sprintf("/*line _.go:%d:%d*/", (n%maxCellNum)*lineBase+c.line, c.col)
}

// analyze parses the chunk, collects what it declares and rewrites its go
// statements.
func (c *chunk) analyze(n int, names *userNames, last bool) error {
	fset := token.NewFileSet()
	var trail *ast.ExprStmt // the trailing expression whose value is shown
	prefix, suffix := c.wrap(n)
	src := prefix + c.text + suffix
	f, err := parser.ParseFile(fset, "_.go", src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	c.types = map[string]string{}
	switch c.kind {
	case kindImport:
		for _, imp := range f.Imports {
			s := importSpec{path: strings.Trim(imp.Path.Value, "`\"")}
			if imp.Name != nil {
				s.name = imp.Name.Name
			}
			if s.path == rayModulePath {
				// A program written against warren's compiled package: in
				// cells it is package ray.
				s.path = "ray"
				switch s.name {
				case "":
					s.name = "parallel" // its package name
				case "ray":
					s.name = "" // the prelude's import
				}
			}
			c.imports = append(c.imports, s)
		}
		return nil
	case kindDecl:
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				switch {
				case d.Recv != nil || strings.HasPrefix(d.Name.Name, initPrefix):
				case d.Name.Name == mainName:
					c.names = append(c.names, "main")
				default:
					c.names = append(c.names, d.Name.Name)
				}
			case *ast.GenDecl:
				c.genDecl(fset, d)
			}
		}
	case kindStmt:
		body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
		c.simple = simpleStmts(body)
		for _, st := range body {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
							c.names = append(c.names, id.Name)
						}
					}
				}
			case *ast.DeclStmt:
				c.genDecl(fset, st.Decl.(*ast.GenDecl))
			}
		}
		if n := len(body); last && n > 0 {
			if es, ok := body[n-1].(*ast.ExprStmt); ok {
				c.trailing = true
				c.hideValue = printLike(es.X)
				if !c.hideValue {
					trail = es
					if name, ok := spelledTypeName(es.X, names.isCellType, names.lookupVarType); ok {
						if t := hiddenIn(name, names.hasStringMethod); t != "" {
							p := fset.Position(es.Pos())
							return fmt.Errorf("%s:%d:%d: the cell's value, a %s, would show without calling the String or Error method of %s (the interpreter hands compiled code plain values): print the elements one by one with x.String(), or run the code in a %%%%native cell", p.Filename, p.Line, p.Column, strings.ReplaceAll(name, "main.", ""), t)
						}
					}
				}
			}
		}
	}
	text := c.text
	off := func(p token.Pos) int { return fset.File(p).Offset(p) - len(prefix) }
	var pauses []edit
	if c.pauses {
		pauses = pauseEdits(f, fset, off)
	}
	if c.text, err = rewrite(fset, f, len(prefix), text, c.kind == kindStmt, pauses, c.typed); err != nil {
		return err
	}
	if trail != nil {
		// __warren.Value(/*line L:C*/expr): the directive keeps the
		// expression's own columns in positions.
		p := fset.Position(trail.Pos())
		c.valueText, err = rewrite(fset, f, len(prefix), text, true, append([]edit{
			{off(trail.Pos()), off(trail.Pos()), fmt.Sprintf("%s.Value(/*line _.go:%d:%d*/", goHook, p.Line, p.Column)},
			{off(trail.End()), off(trail.End()), ")"},
		}, pauses...), c.typed)
	}
	return err
}

func (c *chunk) genDecl(fset *token.FileSet, d *ast.GenDecl) {
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			c.names = append(c.names, sp.Name.Name)
			var b bytes.Buffer
			if sp.TypeParams != nil {
				printer.Fprint(&b, fset, sp.TypeParams)
			}
			if sp.Assign.IsValid() {
				b.WriteString("= ")
			}
			printer.Fprint(&b, fset, sp.Type)
			c.types[sp.Name.Name] = b.String()
		case *ast.ValueSpec:
			for _, n := range sp.Names {
				if n.Name != "_" {
					c.names = append(c.names, n.Name)
				}
			}
		}
	}
}

// printLike reports whether a trailing call only prints or writes, so that
// its (n int, err error) results are not shown as the cell's value.
func printLike(x ast.Expr) bool {
	call, ok := x.(*ast.CallExpr)
	if !ok {
		return false
	}
	switch fn := call.Fun.(type) {
	case *ast.Ident:
		switch fn.Name {
		case "print", "println", "panic", "close", "delete", "clear", "copy":
			return true
		}
	case *ast.SelectorExpr:
		for _, p := range []string{"Print", "Fprint", "Write", "Log", "Fatal", "Panic"} {
			if strings.HasPrefix(fn.Sel.Name, p) {
				return true
			}
		}
	}
	return false
}
