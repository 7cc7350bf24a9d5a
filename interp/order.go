package interp

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// Package-level declaration order within a cell. Go lets a package-level
// declaration use one written further down the file (`var total =
// compute()` before `func compute`); yaegi evaluates a cell chunk by chunk,
// so such a cell fails with "undefined". orderItems moves each top-level
// item after the items of the same cell whose names it uses, and nothing
// else: statements keep their relative order, an item that needs nothing
// later stays where it is, and mutually recursive declarations stay
// together. A cycle through a statement (Go's "initialization cycle") is an
// error naming the items involved.

// An item is one top-level import, declaration or statement of a cell.
type item struct {
	kind       chunkKind
	start, end int    // byte offsets in the cell
	idx        int    // index in source order
	prefix     string // text before code[start:end] ("var " for a spec of a var group)

	decls []string        // top-level names it declares
	refs  map[string]bool // names it uses that it does not declare itself
	recv  string          // a method's receiver type name
	exec  bool            // a statement other than a var declaration: keeps its order

	types    []string // concrete, non-generic types it declares
	mainDecl bool     // declares func main
	callMain bool     // calls main() outside function declarations
}

// cellItems splits the runs of a cell (consecutive imports, declarations or
// statements) into top-level items and parses them. It reports false if a
// run does not parse.
func cellItems(code string, runs []*item) ([]*item, bool) {
	var items []*item
	for _, r := range runs {
		text := code[r.start:r.end]
		var prefix string
		var nodes []ast.Node
		fset := token.NewFileSet()
		switch r.kind {
		case kindImport:
			items = append(items, &item{kind: r.kind, start: r.start, end: r.end})
			continue
		case kindDecl:
			prefix = "package p;"
			f, err := parser.ParseFile(fset, "", prefix+text, parser.SkipObjectResolution)
			if err != nil {
				return nil, false
			}
			for _, d := range f.Decls {
				nodes = append(nodes, d)
			}
		default:
			prefix = "package p;func _(){"
			f, err := parser.ParseFile(fset, "", prefix+text+"\n}", parser.SkipObjectResolution)
			if err != nil {
				return nil, false
			}
			for _, st := range f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List {
				if _, empty := st.(*ast.EmptyStmt); !empty {
					nodes = append(nodes, st)
				}
			}
		}
		// Offsets stay inside the run: a node may end in the text the
		// parse added (a label before the closing brace: "L:").
		offset := func(p token.Pos) int {
			return min(max(r.start+fset.File(p).Offset(p)-len(prefix), r.start), r.end)
		}
		for _, nd := range nodes {
			if ds, ok := nd.(*ast.DeclStmt); ok {
				if g := ds.Decl.(*ast.GenDecl); g.Tok == token.VAR && g.Lparen.IsValid() && len(g.Specs) > 1 {
					// A var group: each spec is ordered on its own, as Go
					// orders package variables one by one.
					for _, sp := range g.Specs {
						items = append(items, &item{kind: r.kind, start: offset(sp.Pos()), end: offset(sp.End()), prefix: "var "})
					}
					continue
				}
			}
			// min: a label ending the run ends at the implicit empty
			// statement after it, in the text added around the run.
			items = append(items, &item{kind: r.kind, start: offset(nd.Pos()), end: min(offset(nd.End()), r.end)})
		}
	}
	for _, it := range items {
		if it.parse(it.prefix+code[it.start:it.end]) != nil {
			return nil, false
		}
	}
	return items, true
}

// parse parses the item's text and fills in what it declares and uses.
func (it *item) parse(text string) error {
	switch it.kind {
	case kindImport:
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			s := importSpec{path: strings.Trim(imp.Path.Value, "`\"")}
			if imp.Name != nil {
				s.name = imp.Name.Name
			}
			it.decls = append(it.decls, s.localName())
		}
		return nil
	case kindDecl:
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, 0)
		if err != nil {
			return err
		}
		it.refs = unresolved(f)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv != nil {
					it.recv = recvName(d.Recv)
					continue
				}
				it.decls = append(it.decls, d.Name.Name)
				if d.Name.Name == "main" && d.Type.TypeParams == nil {
					it.mainDecl = true
				}
			case *ast.GenDecl:
				it.decls = append(it.decls, genDeclNames(d)...)
				for _, sp := range d.Specs {
					if ts, ok := sp.(*ast.TypeSpec); ok && ts.TypeParams == nil && !ts.Assign.IsValid() {
						if _, iface := ts.Type.(*ast.InterfaceType); !iface {
							it.types = append(it.types, ts.Name.Name)
						}
					}
				}
			}
		}
	default:
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+text+"\n}", 0)
		if err != nil {
			return err
		}
		it.refs = unresolved(f)
		body := f.Decls[len(f.Decls)-1].(*ast.FuncDecl).Body.List
		it.exec = true
		for _, st := range body {
			switch st := st.(type) {
			case *ast.AssignStmt:
				if st.Tok == token.DEFINE {
					for _, l := range st.Lhs {
						if id, ok := l.(*ast.Ident); ok && id.Name != "_" {
							it.decls = append(it.decls, id.Name)
						}
					}
				}
			case *ast.DeclStmt:
				d := st.Decl.(*ast.GenDecl)
				it.decls = append(it.decls, genDeclNames(d)...)
				if d.Tok == token.VAR {
					it.exec = false
				}
			}
		}
		ast.Inspect(f.Decls[len(f.Decls)-1], func(n ast.Node) bool {
			if call, ok := n.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && id.Name == "main" && len(call.Args) == 0 {
					it.callMain = true
				}
			}
			return !it.callMain
		})
	}
	for _, d := range it.decls {
		delete(it.refs, d)
	}
	return nil
}

// unresolved returns the identifiers of f that refer to nothing declared in
// f: package-level names of the session or of other items, and predeclared
// ones.
// The parser leaves the keys of composite literals alone (they may be
// field names); the keys of map, slice and array literals are expressions,
// so their names count too.
func unresolved(f *ast.File) map[string]bool {
	refs := map[string]bool{}
	for _, id := range f.Unresolved {
		refs[id.Name] = true
	}
	ast.Inspect(f, func(n ast.Node) bool {
		cl, ok := n.(*ast.CompositeLit)
		if !ok {
			return true
		}
		switch cl.Type.(type) {
		case *ast.MapType, *ast.ArrayType:
			for _, e := range cl.Elts {
				if kv, ok := e.(*ast.KeyValueExpr); ok {
					ast.Inspect(kv.Key, func(n ast.Node) bool {
						if id, ok := n.(*ast.Ident); ok && id.Obj == nil {
							refs[id.Name] = true
						}
						return true
					})
				}
			}
		}
		return true
	})
	return refs
}

func recvName(l *ast.FieldList) string {
	if len(l.List) == 0 {
		return ""
	}
	t := l.List[0].Type
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
		case *ast.ParenExpr:
			t = x.X
		case *ast.IndexExpr:
			t = x.X
		case *ast.IndexListExpr:
			t = x.X
		case *ast.Ident:
			return x.Name
		default:
			return ""
		}
	}
}

func genDeclNames(d *ast.GenDecl) []string {
	var names []string
	for _, sp := range d.Specs {
		switch sp := sp.(type) {
		case *ast.TypeSpec:
			names = append(names, sp.Name.Name)
		case *ast.ValueSpec:
			for _, n := range sp.Names {
				if n.Name != "_" {
					names = append(names, n.Name)
				}
			}
		}
	}
	return names
}

// orderItems returns items in an order where each comes after the items it
// depends on (see the top of this file), moving as little as possible. code
// is the cell, for error messages.
// shadowed reports the names earlier cells declared (nil: none): a use of
// such a name that a later statement of the cell redeclares (`count := 0`)
// means the existing variable, as when a cell is run again.
func orderItems(items []*item, code string, cellN int, shadowed func(string) bool) ([]*item, error) {
	n := len(items)
	byName := map[string][]int{} // name → items declaring it, in order
	methods := map[string][]int{}
	for i, it := range items {
		it.idx = i
		for _, d := range it.decls {
			byName[d] = append(byName[d], i)
		}
		if it.recv != "" {
			methods[it.recv] = append(methods[it.recv], i)
		}
	}
	deps := make([][]int, n) // deps[i]: items that must come before i
	lastExec := -1
	for i, it := range items {
		add := func(j int) {
			if j != i {
				deps[i] = append(deps[i], j)
			}
		}
		if it.exec {
			if lastExec >= 0 {
				add(lastExec)
			}
			lastExec = i
		}
		names := make([]string, 0, len(it.refs)+1)
		for r := range it.refs {
			names = append(names, r)
		}
		if it.recv != "" {
			names = append(names, it.recv)
		}
		sort.Strings(names)
		for _, r := range names {
			ds := byName[r]
			if len(ds) == 0 {
				continue
			}
			// The nearest declaration before the item, else the first after it.
			j := ds[0]
			for _, d := range ds {
				if d < i {
					j = d
				}
			}
			if j > i && items[j].exec && (it.exec || (shadowed != nil && shadowed(r))) {
				// A statement using a name a later statement declares
				// means the session's earlier variable.
				continue
			}
			add(j)
			if items[j].kind == kindDecl && r != it.recv {
				// Using a type uses its methods.
				for _, m := range methods[r] {
					add(m)
				}
			}
		}
	}

	comp, comps := sccs(deps)
	for _, c := range comps {
		if len(c) == 1 {
			continue
		}
		for _, i := range c {
			if items[i].kind != kindDecl {
				return nil, cycleError(items, c, code, cellN)
			}
		}
	}

	out := make([]*item, 0, n)
	done := make([]bool, len(comps))
	var visit func(c int)
	visit = func(c int) {
		if done[c] {
			return
		}
		done[c] = true
		var need []int
		for _, i := range comps[c] {
			for _, j := range deps[i] {
				if comp[j] != c {
					need = append(need, j)
				}
			}
		}
		sort.Ints(need)
		for _, j := range need {
			visit(comp[j])
		}
		for _, i := range comps[c] {
			out = append(out, items[i])
		}
	}
	for i := range items {
		visit(comp[i])
	}
	return out, nil
}

// sccs returns the strongly connected components of the graph deps (Tarjan),
// each sorted, and the component of each node.
func sccs(deps [][]int) (comp []int, comps [][]int) {
	n := len(deps)
	comp = make([]int, n)
	index := make([]int, n)
	low := make([]int, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int
	next := 0
	var strong func(v int)
	strong = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		on[v] = true
		for _, w := range deps[v] {
			if index[w] < 0 {
				strong(w)
				low[v] = min(low[v], low[w])
			} else if on[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			var c []int
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				on[w] = false
				comp[w] = len(comps)
				c = append(c, w)
				if w == v {
					break
				}
			}
			sort.Ints(c)
			comps = append(comps, c)
		}
	}
	for v := range deps {
		if index[v] < 0 {
			strong(v)
		}
	}
	return comp, comps
}

// cycleError reports items that depend on each other in a way no order
// satisfies, at the first item's line of cell cellN.
func cycleError(items []*item, c []int, code string, cellN int) error {
	lineOf := func(it *item) int { return 1 + strings.Count(code[:it.start], "\n") }
	var parts []string
	for _, i := range c {
		it := items[i]
		what := strings.Join(it.decls, ", ")
		if what == "" {
			what = "a statement"
		}
		parts = append(parts, fmt.Sprintf("%s (line %d)", what, lineOf(it)))
	}
	var errs scanner.ErrorList
	errs.Add(token.Position{Filename: "_.go", Line: (cellN%maxCellNum)*lineBase + lineOf(items[c[0]]), Column: 1},
		"initialization cycle: "+strings.Join(parts, ", ")+
			" depend on each other, so no order of these top-level items works (a statement runs after the declarations it uses, and statements keep their order)")
	return errs.Err()
}
