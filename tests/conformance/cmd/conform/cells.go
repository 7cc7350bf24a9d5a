package main

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"sort"
	"strings"
)

// The two forms a program runs in, in warren.
const (
	formPaste = "paste" // the whole file as one cell
	formCells = "cells" // imports, declarations and main's body as separate cells
)

// cellMarker on a line of its own inside main splits main's body into
// several cells in the cells form.
const cellMarker = "// conform:cell"

// laterCell follows the pasted program in the paste form: it prints
// nothing, so a kernel that runs main again on a later cell shows up as
// repeated output.
const laterCell = "// A later cell: it must not run main again.\n_ = 0\n"

// pasteCell returns the whole program as one cell. With stripPackage the
// package clause is blanked out (line numbers are kept).
func pasteCell(src string, stripPackage bool) (string, error) {
	if !stripPackage {
		return src, nil
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.PackageClauseOnly)
	if err != nil {
		return "", fmt.Errorf("parse: %w", err)
	}
	start := fset.Position(f.Package).Offset
	end := fset.Position(f.Name.End()).Offset
	return src[:start] + src[end:], nil
}

// notebookCells splits a program into idiomatic notebook cells: one cell
// with the imports (less `ray "github.com/warren-go/warren/parallel"`: cells
// have package ray without importing it), one cell per top-level declaration other than main
// (ordered so that every cell comes after the declarations it uses; a type
// and its methods, and mutually recursive declarations, share a cell), then
// main's body as top-level statements, split at cellMarker lines.
func notebookCells(src string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "main.go", src, parser.ParseComments)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	text := func(from, to token.Pos) string {
		return src[fset.Position(from).Offset:fset.Position(to).Offset]
	}
	var cells, imports []string
	var decls []ast.Decl
	var mainFn *ast.FuncDecl
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.GenDecl:
			if d.Tok == token.IMPORT {
				var specs []string
				for _, s := range d.Specs {
					if isPredeclaredRay(s.(*ast.ImportSpec)) {
						continue
					}
					specs = append(specs, text(s.Pos(), s.End()))
				}
				switch len(specs) {
				case 0:
				case 1:
					imports = append(imports, "import "+specs[0])
				default:
					imports = append(imports, "import (\n\t"+strings.Join(specs, "\n\t")+"\n)")
				}
				continue
			}
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name == "main" {
				mainFn = d
				continue
			}
		}
		decls = append(decls, d)
	}
	if mainFn == nil {
		return nil, fmt.Errorf("no func main")
	}
	if len(imports) > 0 {
		cells = append(cells, strings.Join(imports, "\n"))
	}
	for _, group := range orderDecls(decls) {
		var parts []string
		for _, d := range group {
			from := d.Pos()
			switch d := d.(type) {
			case *ast.GenDecl:
				if d.Doc != nil {
					from = d.Doc.Pos()
				}
			case *ast.FuncDecl:
				if d.Doc != nil {
					from = d.Doc.Pos()
				}
			}
			parts = append(parts, text(from, d.End()))
		}
		cells = append(cells, strings.Join(parts, "\n\n"))
	}
	body := mainFn.Body
	var cuts []token.Pos // marker comments inside main's body
	for _, cg := range f.Comments {
		for _, c := range cg.List {
			if c.Text == cellMarker && c.Pos() > body.Lbrace && c.End() < body.Rbrace {
				cuts = append(cuts, c.Pos(), c.End())
			}
		}
	}
	bounds := append([]token.Pos{body.Lbrace + 1}, cuts...)
	bounds = append(bounds, body.Rbrace)
	dedent := !hasMultilineRaw(body)
	for i := 0; i+1 < len(bounds); i += 2 {
		s := text(bounds[i], bounds[i+1])
		if dedent {
			s = dedentTab(s)
		}
		if s = strings.TrimSpace(s); s != "" {
			cells = append(cells, s)
		}
	}
	return cells, nil
}

// rayPath is the import path of package ray in compiled Go.
const rayPath = `"github.com/warren-go/warren/parallel"`

// isPredeclaredRay reports whether an import is `ray "…/parallel"`, which
// warren cells have without an import, so the cells form leaves it out.
func isPredeclaredRay(s *ast.ImportSpec) bool {
	return s.Path.Value == rayPath && s.Name != nil && s.Name.Name == "ray"
}

func hasMultilineRaw(n ast.Node) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if l, ok := n.(*ast.BasicLit); ok && l.Kind == token.STRING && strings.HasPrefix(l.Value, "`") && strings.Contains(l.Value, "\n") {
			found = true
		}
		return !found
	})
	return found
}

func dedentTab(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.Join(lines, "\n")
}

// orderDecls groups declarations into strongly connected components of the
// "uses" relation (a method and its receiver type use each other) and orders
// the groups so that each follows the groups it uses, else by source order.
func orderDecls(decls []ast.Decl) [][]ast.Decl {
	owner := map[string]int{} // top-level name -> declaring decl
	for i, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.Name != "init" {
				owner[d.Name.Name] = i
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					owner[s.Name.Name] = i
				case *ast.ValueSpec:
					for _, n := range s.Names {
						owner[n.Name] = i
					}
				}
			}
		}
	}
	uses := make([]map[int]bool, len(decls))
	for i := range uses {
		uses[i] = map[int]bool{}
	}
	for i, d := range decls {
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok {
				if j, ok := owner[id.Name]; ok && j != i {
					uses[i][j] = true
				}
			}
			return true
		})
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil {
			if j, ok := owner[recvTypeName(fd.Recv.List[0].Type)]; ok {
				uses[j][i] = true // the type's cell holds its methods
			}
		}
	}
	comp := tarjan(len(decls), uses)
	ncomp := 0
	for _, c := range comp {
		ncomp = max(ncomp, c+1)
	}
	members := make([][]int, ncomp)
	for i, c := range comp {
		members[c] = append(members[c], i)
	}
	deps := make([]map[int]bool, ncomp)
	for c := range deps {
		deps[c] = map[int]bool{}
	}
	for i := range decls {
		for j := range uses[i] {
			if comp[i] != comp[j] {
				deps[comp[i]][comp[j]] = true
			}
		}
	}
	done := make([]bool, ncomp)
	var out [][]ast.Decl
	for len(out) < ncomp {
		best := -1
		for c := 0; c < ncomp; c++ {
			if done[c] {
				continue
			}
			ready := true
			for d := range deps[c] {
				ready = ready && done[d]
			}
			if ready && (best < 0 || members[c][0] < members[best][0]) {
				best = c
			}
		}
		done[best] = true
		var g []ast.Decl
		for _, i := range members[best] {
			g = append(g, decls[i])
		}
		out = append(out, g)
	}
	return out
}

func recvTypeName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// tarjan returns the strongly connected component of each node; members of
// a component are in increasing node order.
func tarjan(n int, edges []map[int]bool) []int {
	index, low, comp := make([]int, n), make([]int, n), make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i], comp[i] = -1, -1
	}
	var stack []int
	next, ncomp := 0, 0
	var visit func(v int)
	visit = func(v int) {
		index[v], low[v] = next, next
		next++
		stack = append(stack, v)
		onStack[v] = true
		succ := make([]int, 0, len(edges[v]))
		for w := range edges[v] {
			succ = append(succ, w)
		}
		sort.Ints(succ)
		for _, w := range succ {
			if index[w] < 0 {
				visit(w)
				low[v] = min(low[v], low[w])
			} else if onStack[w] {
				low[v] = min(low[v], index[w])
			}
		}
		if low[v] == index[v] {
			for {
				w := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				onStack[w] = false
				comp[w] = ncomp
				if w == v {
					break
				}
			}
			ncomp++
		}
	}
	for v := 0; v < n; v++ {
		if index[v] < 0 {
			visit(v)
		}
	}
	return comp
}

// writeNotebook writes an nbformat 4.5 notebook with one code cell per
// source, for the warren kernel.
func writeNotebook(path string, sources []string) error {
	type cell struct {
		CellType       string         `json:"cell_type"`
		ID             string         `json:"id"`
		Metadata       map[string]any `json:"metadata"`
		Source         string         `json:"source"`
		Outputs        []any          `json:"outputs"`
		ExecutionCount *int           `json:"execution_count"`
	}
	nb := map[string]any{
		"nbformat":       4,
		"nbformat_minor": 5,
		"metadata": map[string]any{
			"kernelspec":    map[string]any{"name": "warren", "display_name": "Go (warren)", "language": "go"},
			"language_info": map[string]any{"name": "go"},
		},
	}
	cells := []cell{}
	for i, s := range sources {
		cells = append(cells, cell{CellType: "code", ID: fmt.Sprintf("cell-%d", i), Metadata: map[string]any{}, Source: s, Outputs: []any{}})
	}
	nb["cells"] = cells
	b, err := json.MarshalIndent(nb, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
