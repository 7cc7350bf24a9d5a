package main

import (
	"bufio"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
)

// The package the rewritten code calls, and the name rewritten files
// import it under.
const (
	cellrtPath = "github.com/warren-go/warren/native/cellrt"
	cellrtName = "warren_cellrt"
)

// rewriteCell rewrites the Go files of a cell package (already package
// main) so that its go statements, os.Exit, log.Fatal* and
// (*log.Logger).Fatal* go through package cellrt; see cellrt's doc. It
// type-checks the package against the export data the compiler is given
// (importcfg), so that a go statement keeps Go's semantics exactly: the
// function value and the arguments are evaluated where the statement is,
// into variables of their own types, and the new goroutine calls the
// function with them under a deferred cellrt.G.Done. Positions are kept
// with line directives, so compile errors and stack traces name the
// cell's lines. A package that does not type-check, or does not import
// cellrt (the go command then gives the compiler no export data for it),
// is returned as it is: the compiler reports the errors.
func rewriteCell(pkgPath string, names []string, srcs [][]byte, importcfg, lang string) ([][]byte, error) {
	cfg, err := readImportcfg(importcfg)
	if err != nil {
		return nil, err
	}
	if _, ok := cfg.files[cellrtPath]; !ok {
		return srcs, nil
	}
	fset := token.NewFileSet()
	files := make([]*ast.File, len(srcs))
	for i, src := range srcs {
		// The base name: relative line directives ("cell") then keep
		// their file names as they are written.
		f, err := parser.ParseFile(fset, filepath.Base(names[i]), src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return srcs, nil
		}
		files[i] = f
	}
	conf := types.Config{
		Importer:  importer.ForCompiler(fset, "gc", cfg.open),
		GoVersion: lang,
		Sizes:     types.SizesFor("gc", runtime.GOARCH),
		Error:     func(error) {},
	}
	info := &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Uses:       map[*ast.Ident]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	pkg, err := conf.Check(pkgPath, fset, files, info)
	if err != nil {
		return srcs, nil
	}
	out := make([][]byte, len(srcs))
	for i, f := range files {
		r := &rewriter{fset: fset, file: fset.File(f.Pos()), src: srcs[i], info: info, pkg: pkg, ast: f}
		out[i] = r.rewrite()
	}
	return out, nil
}

// importcfg is the compiler's import configuration.
type importcfg struct {
	files map[string]string // import path → export data file
	maps  map[string]string // import path → the path it stands for
}

func readImportcfg(name string) (*importcfg, error) {
	cfg := &importcfg{files: map[string]string{}, maps: map[string]string{}}
	if name == "" {
		return cfg, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		verb, arg, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		k, v, ok := strings.Cut(arg, "=")
		if !ok {
			continue
		}
		switch verb {
		case "packagefile":
			cfg.files[k] = v
		case "importmap":
			cfg.maps[k] = v
		}
	}
	return cfg, sc.Err()
}

// open opens the export data of the package at path.
func (c *importcfg) open(path string) (io.ReadCloser, error) {
	if m, ok := c.maps[path]; ok {
		path = m
	}
	f, ok := c.files[path]
	if !ok {
		return nil, fmt.Errorf("no export data for %q in the import configuration", path)
	}
	return os.Open(f)
}

// An edit replaces the source from pos to end by what gen returns.
type edit struct {
	pos, end token.Pos
	gen      func() string
}

// A rewriter rewrites one file.
type rewriter struct {
	fset  *token.FileSet
	file  *token.File
	src   []byte
	info  *types.Info
	pkg   *types.Package
	ast   *ast.File
	edits []edit // sorted before any gen runs
	n     int    // go statements rewritten, to name their variables
}

func (r *rewriter) rewrite() []byte {
	ast.Inspect(r.ast, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			g := n
			r.edits = append(r.edits, edit{g.Pos(), g.End(), func() string { return r.goStmt(g, r.find(g.Pos(), g.End())) }})
		case *ast.SelectorExpr:
			r.selector(n)
		}
		return true
	})
	if len(r.edits) == 0 {
		return r.src
	}
	imp := r.ast.Name.End()
	r.edits = append(r.edits, edit{imp, imp, func() string {
		return fmt.Sprintf("; import %s %q", cellrtName, cellrtPath)
	}})
	sort.SliceStable(r.edits, func(i, j int) bool {
		a, b := r.edits[i], r.edits[j]
		if a.pos != b.pos {
			return a.pos < b.pos
		}
		return a.end > b.end
	})
	out := r.text(token.Pos(r.file.Base()), token.Pos(r.file.Base()+r.file.Size()))
	// os and log may have no use left.
	for _, is := range r.ast.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		use := map[string]string{"os": "Exit", "log": "Fatal"}[p]
		if use == "" || is.Name != nil && (is.Name.Name == "_" || is.Name.Name == ".") {
			continue
		}
		name := p
		if is.Name != nil {
			name = is.Name.Name
		}
		out += fmt.Sprintf("\nvar _ = %s.%s\n", name, use)
	}
	return []byte(out)
}

// text returns the source from a to b with the edits inside it applied
// (an edit inside another is the outer one's business), except skip (the
// edit asking for its own source).
func (r *rewriter) text(a, b token.Pos, skip ...*edit) string {
	var sb strings.Builder
	cur := a
	for i := range r.edits {
		e := &r.edits[i]
		if e.pos < cur || e.end > b || len(skip) > 0 && e == skip[0] {
			continue
		}
		sb.Write(r.src[r.off(cur):r.off(e.pos)])
		sb.WriteString(e.gen())
		cur = e.end
	}
	sb.Write(r.src[r.off(cur):r.off(b)])
	return sb.String()
}

// find returns the outermost edit from a to b.
func (r *rewriter) find(a, b token.Pos) *edit {
	for i := range r.edits {
		if r.edits[i].pos == a && r.edits[i].end == b {
			return &r.edits[i]
		}
	}
	return nil
}

func (r *rewriter) off(p token.Pos) int { return r.file.Offset(p) }

// dir is a line directive giving the text after it the position p.
func (r *rewriter) dir(p token.Pos) string {
	pos := r.fset.Position(p)
	return fmt.Sprintf("/*line %s:%d:%d*/", pos.Filename, pos.Line, pos.Column)
}

// expr is the text of e, positioned.
func (r *rewriter) expr(e ast.Expr) string { return r.dir(e.Pos()) + r.text(e.Pos(), e.End()) }

// selector adds the edits for os.Exit, log.Fatal* and (*log.Logger).Fatal*.
func (r *rewriter) selector(sel *ast.SelectorExpr) {
	fn, ok := r.info.Uses[sel.Sel].(*types.Func)
	if !ok || fn.Pkg() == nil {
		return
	}
	path, name := fn.Pkg().Path(), fn.Name()
	isFatal := name == "Fatal" || name == "Fatalf" || name == "Fatalln"
	s, isSel := r.info.Selections[sel]
	switch {
	case !isSel && (path == "os" && name == "Exit" || path == "log" && isFatal):
		if path == "os" {
			name = "Exit"
		}
		r.edits = append(r.edits, edit{sel.Pos(), sel.End(), func() string {
			return cellrtName + "." + name + r.dir(sel.End())
		}})
	case isSel && s.Kind() == types.MethodVal && path == "log" && isFatal && len(s.Index()) == 1:
		x := sel.X
		amp := ""
		if _, ptr := r.info.Types[x].Type.Underlying().(*types.Pointer); !ptr {
			amp = "&"
		}
		r.edits = append(r.edits, edit{x.Pos(), x.End(), func() string {
			return cellrtName + ".Logger(" + amp + r.dir(x.Pos()) + r.text(x.Pos(), x.End(), r.find(x.Pos(), x.End())) + ")" + r.dir(x.End())
		}})
	}
}

// goStmt returns the rewritten go statement g:
//
//	{ g := cellrt.Start(); f := F; a0 := A0; go func() { defer g.Done(); g.Enter(); f(a0, CONST); g.Returned() }() }
//
// A callee that is a declared function, a builtin, a method expression
// or a function literal, and arguments that are constants or nil, have
// no evaluation to keep in place: their text moves into the goroutine.
func (r *rewriter) goStmt(g *ast.GoStmt, self *edit) string {
	r.n++
	v := func(kind string, i int) string { return fmt.Sprintf("warren_go%d_%s%d", r.n, kind, i) }
	call := g.Call
	var pre strings.Builder
	gv := v("g", 0)
	fmt.Fprintf(&pre, "{ %s := %s.Start(); ", gv, cellrtName)
	callee := r.expr(call.Fun)
	if !r.pure(call.Fun) {
		callee = v("f", 0)
		fmt.Fprintf(&pre, "%s := %s; ", callee, r.expr(call.Fun))
	}
	var args []string
	if len(call.Args) == 1 {
		if tup, ok := r.info.Types[call.Args[0]].Type.(*types.Tuple); ok {
			for i := 0; i < tup.Len(); i++ {
				args = append(args, v("a", i))
			}
			fmt.Fprintf(&pre, "%s := %s; ", strings.Join(args, ", "), r.expr(call.Args[0]))
		}
	}
	if args == nil {
		for i, a := range call.Args {
			tv := r.info.Types[a]
			if tv.Value != nil || tv.IsNil() {
				args = append(args, r.expr(a))
				continue
			}
			val := r.expr(a)
			if mayBeUntyped(a) {
				// x == y, !b, 1 << n: untyped until assigned, so the
				// variable gets the type the call gives it.
				name, ok := r.typeName(tv.Type)
				if !ok {
					return r.text(g.Pos(), g.End(), self) // left as it is
				}
				val = name + "(" + val + ")"
			}
			args = append(args, v("a", i))
			fmt.Fprintf(&pre, "%s := %s; ", v("a", i), val)
		}
	}
	dots := ""
	if call.Ellipsis.IsValid() {
		dots = "..."
	}
	return fmt.Sprintf("%sgo func() { defer %s.Done(); %s.Enter(); %s(%s%s); %s.Returned() }() }%s",
		pre.String(), gv, gv, callee, strings.Join(args, ", "), dots, gv, r.dir(g.End()))
}

// pure reports whether evaluating the callee fun has no effect and always
// gives the same function: a declared function (or an instance of a
// generic one), a builtin, a method expression or a function literal.
func (r *rewriter) pure(fun ast.Expr) bool {
	switch f := ast.Unparen(fun).(type) {
	case *ast.FuncLit:
		return true
	case *ast.Ident:
		switch r.info.Uses[f].(type) {
		case *types.Func, *types.Builtin:
			return true
		}
	case *ast.SelectorExpr:
		if s, ok := r.info.Selections[f]; ok {
			return s.Kind() == types.MethodExpr
		}
		switch r.info.Uses[f.Sel].(type) {
		case *types.Func, *types.Builtin:
			return true
		}
	case *ast.IndexExpr:
		return r.instance(f.X)
	case *ast.IndexListExpr:
		return r.instance(f.X)
	}
	return false
}

// instance reports whether x, indexed, instantiates a generic function.
func (r *rewriter) instance(x ast.Expr) bool {
	var id *ast.Ident
	switch x := ast.Unparen(x).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	}
	if id == nil {
		return false
	}
	_, ok := r.info.Instances[id]
	return ok
}

// mayBeUntyped reports whether e may be an untyped non-constant value (a
// comparison, a logical operation on one, a shift of an untyped constant).
func mayBeUntyped(e ast.Expr) bool {
	switch e := ast.Unparen(e).(type) {
	case *ast.BinaryExpr:
		switch e.Op {
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ, token.LAND, token.LOR, token.SHL, token.SHR:
			return true
		}
	case *ast.UnaryExpr:
		return e.Op == token.NOT
	}
	return false
}

// typeName writes t as the file can name it.
func (r *rewriter) typeName(t types.Type) (string, bool) {
	names := map[string]string{}
	for _, is := range r.ast.Imports {
		p, _ := strconv.Unquote(is.Path.Value)
		n := ""
		if is.Name != nil {
			n = is.Name.Name
		} else if pk := r.importedName(p); pk != "" {
			n = pk
		}
		names[p] = n
	}
	ok := true
	s := types.TypeString(t, func(p *types.Package) string {
		if p == r.pkg {
			return ""
		}
		n, found := names[p.Path()]
		switch {
		case !found || n == "_":
			ok = false
		case n == ".":
			return ""
		}
		return n
	})
	return s, ok
}

// importedName is the name of the imported package at path.
func (r *rewriter) importedName(path string) string {
	for _, p := range r.pkg.Imports() {
		if p.Path() == path {
			return p.Name()
		}
	}
	return ""
}
