package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Seeds shared by the source fuzz targets: cells of the forms the rewrites
// handle, and broken ones.
var fuzzSeeds = []string{
	"x := 1\nfmt.Println(x)",
	"import \"fmt\"\nfunc main() { fmt.Println(\"hi\") }",
	"for i := 0; i < 3; i++ { defer func() { println(i) }() }",
	"type T struct{ n int }\nfunc (t *T) M() int { return t.n }\nf := (*T).M\nf(&T{1})",
	"func Max[T int | float64](a, b T) T { if a > b { return a }; return b }\nMax(1, 2)",
	"switch v := any(1).(type) { case int: _ = v }",
	"var y = min(1, 2, clear)\nrecover()",
	"go func() { panic(1) }()",
	"for range 3 {}\nfor x := range func(yield func(int) bool) {} { _ = x }",
	"x := [](",
	"}}}",
	"`unterminated",
	"package main\nimport ray \"github.com/warren-go/warren/parallel\"\nfunc main() {}",
	"var x int = Max(1, 2)\nfmt.Printf(\"%T\", T{})",
	"L: for { break L }\ngoto L",
}

// FuzzSplitCell: the cell splitter (and the rewrites it runs) returns
// chunks or an error for any text, never panics, and places every chunk of
// the cell at a line of the cell.
func FuzzSplitCell(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		chunks, err := splitCell(code, 1)
		if err != nil {
			return
		}
		lines := strings.Count(code, "\n") + 1
		for _, c := range chunks {
			if c.line < 1 || c.line > lines {
				t.Fatalf("chunk %s at line %d of a %d-line cell", c.kind, c.line, lines)
			}
			_ = c.stmtSrc(1, c.text, c.simple)
		}
	})
}

// FuzzRewrite runs the source rewrites (prepare, go/types, analyze: the
// whole pipeline before yaegi) on any text, in a session whose earlier
// cells declared a variable, a struct type with methods, a generic
// function and a named basic type, so that the rewrites that depend on
// earlier cells run too. They must never panic.
func FuzzRewrite(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("t := T{}\nt.M()\nvar m meters = 3\nfmt.Println(m, x, Max(1, 2))")
	f.Add("func (t T) N() meters { return meters(t.n) }\nfmt.Printf(\"%v %T\", t, t)")
	s, err := New(Options{NoHost: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { s.Close() })
	for i, cell := range []string{
		"import \"fmt\"\nx := 1\ntype T struct{ n int }\nfunc (t *T) M() int { return t.n }\nfunc (t T) String() string { return fmt.Sprint(t.n) }",
		"func Max[V int | float64](a, b V) V { if a > b { return a }; return b }\ntype meters int\nvar ts []T",
	} {
		if _, err := s.Execute(context.Background(), fmt.Sprintf("setup-%d", i), cell, newRecorder()); err != nil {
			f.Fatalf("setup cell: %v", err)
		}
	}
	f.Fuzz(func(t *testing.T, code string) {
		env := &cellEnv{shadowed: s.declared, method: s.method, known: s, generic: s.generic,
			varType: s.varType, cellType: s.cellType, basics: s.basics}
		chunks, err := splitCellIn(code, 3, env)
		if err != nil {
			return
		}
		for _, c := range chunks {
			_ = c.stmtSrc(3, c.text, c.simple)
		}
	})
}

// FuzzIsComplete: is_complete answers one of its three statuses for any
// text, with an indent only for "incomplete".
func FuzzIsComplete(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Add("x := []int{\n1,")
	f.Add("/* open")
	f.Fuzz(func(t *testing.T, code string) {
		status, indent := IsComplete(code)
		switch status {
		case "complete", "invalid":
			if indent != "" {
				t.Fatalf("%s with indent %q", status, indent)
			}
		case "incomplete":
		default:
			t.Fatalf("status %q", status)
		}
	})
}

// Cells of the shapes the fuzz targets found crashing the splitter ("A0:",
// a type switch binding a literal): valid Go runs, invalid Go is a compile
// error of the cell.
func TestFuzzFoundCells(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"")
	if _, rec := run(t, s, "fmt.Println(\"before\")\ngoto A0\nA0:"); rec.stdout() != "before\n" {
		t.Errorf("a label ending the cell: stdout %q", rec.stdout())
	}
	_, _, err := try(t, s, "switch 0:=A00(0).(type){case 0:0%0}")
	if err == nil || err.Name != "CompileError" {
		t.Errorf("a type switch binding a literal: %v, want a CompileError", err)
	}
	if _, rec := run(t, s, "fmt.Println(\"after\")"); rec.stdout() != "after\n" {
		t.Errorf("the next cell: stdout %q", rec.stdout())
	}
}
