// Package stdgeneric supplies the generic half of the standard library to
// yaegi sessions: compiled generic functions cannot be exported to an
// interpreter, and yaegi v0.16.1's own interpreted versions fail on many
// signatures (two type parameters inferred from one argument, `S ~[]E`).
// Load compiles warren's own interpreted versions of cmp, iter, slices,
// maps and sync (its generic OnceValue and OnceValues, with aliases for the
// compiled rest) into an interpreter, after its binary symbol tables.
//
// The sources are the Go packages under src/, each written for yaegi's
// generics (see their package docs) and compiled by gc too, so `go vet`
// checks them. This package is not the symbol tables (see stdsyms) and not
// the session (see interp).
//
// Known limits, from yaegi v0.16.1: a generic call whose result defines a
// variable at a cell's top level (`x := slices.Max(s)`) does not compile
// there; inside a function, as a statement or an argument, or assigned to
// a declared variable, it works. A named slice or map type passed in comes
// back as its underlying type from the functions that return one (Clone,
// Compact, Insert, …). cmp.Or and slices.Concat take their first argument
// apart from the variadic rest, since yaegi cannot infer a type parameter
// from a variadic parameter alone. yaegi caches generic instances by bare
// function name and type arguments, so the packages never call their own
// exported generics (see package slices); a cell's own generic function
// named like a standard one (Compare, Index, …) can still be confused with
// it by yaegi when both are instantiated with the same type arguments.
package stdgeneric

import (
	"bytes"
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"strconv"

	yaegi "github.com/traefik/yaegi/interp"
)

//go:embed src/*/*.go
var sources embed.FS

// Packages lists the interpreted packages in load order (a package comes
// after those it uses).
var Packages = []string{"cmp", "iter", "slices", "maps", "sync"}

// Load compiles the interpreted packages into i, whose standard-library
// symbols must already be in use.
func Load(i *yaegi.Interpreter) error {
	for _, p := range Packages {
		src, err := Source(p)
		if err != nil {
			return err
		}
		if _, err := i.Compile(src); err != nil {
			return fmt.Errorf("stdgeneric: compiling %s: %w", p, err)
		}
	}
	return nil
}

// Source returns package pkg's files merged into one source file, as
// yaegi compiles it: imports are deduplicated, and imports of the
// interpreted packages themselves are dropped (yaegi finds an interpreted
// package by its name, and importing the compiled package of the same
// path would hide it).
func Source(pkg string) (string, error) {
	entries, err := sources.ReadDir("src/" + pkg)
	if err != nil {
		return "", fmt.Errorf("stdgeneric: %w", err)
	}
	fset := token.NewFileSet()
	merged := &ast.File{Name: ast.NewIdent(pkg)}
	imports := &ast.GenDecl{Tok: token.IMPORT, Lparen: 1}
	seen := map[string]bool{}
	var decls []ast.Decl
	for _, e := range entries {
		name := path.Join("src", pkg, e.Name())
		b, err := sources.ReadFile(name)
		if err != nil {
			return "", fmt.Errorf("stdgeneric: %w", err)
		}
		f, err := parser.ParseFile(fset, name, b, parser.SkipObjectResolution)
		if err != nil {
			return "", fmt.Errorf("stdgeneric: %w", err)
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.IMPORT {
				decls = append(decls, d)
				continue
			}
			for _, s := range g.Specs {
				is := s.(*ast.ImportSpec)
				p, _ := strconv.Unquote(is.Path.Value)
				key := p
				if is.Name != nil {
					key = is.Name.Name + " " + p
				}
				if seen[key] || (is.Name == nil && interpreted(p)) {
					continue
				}
				seen[key] = true
				imports.Specs = append(imports.Specs, is)
			}
		}
	}
	if len(imports.Specs) > 0 {
		merged.Decls = append(merged.Decls, imports)
	}
	merged.Decls = append(merged.Decls, decls...)
	var buf bytes.Buffer
	if err := printer.Fprint(&buf, fset, merged); err != nil {
		return "", fmt.Errorf("stdgeneric: %w", err)
	}
	return buf.String(), nil
}

func interpreted(p string) bool {
	for _, q := range Packages {
		if p == q {
			return true
		}
	}
	return false
}
