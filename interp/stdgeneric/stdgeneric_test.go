package stdgeneric

import (
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"testing"

	yaegi "github.com/traefik/yaegi/interp"

	"github.com/warren-go/warren/interp/stdsyms"
)

// declared returns the exported names package pkg's merged source
// declares.
func declared(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	src, err := Source(pkg)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), pkg+".go", src, 0)
	if err != nil {
		t.Fatalf("%s: %v", pkg, err)
	}
	if f.Name.Name != pkg {
		t.Errorf("%s: package clause says %s", pkg, f.Name.Name)
	}
	names := map[string]bool{}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil && d.Name.IsExported() {
				names[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	return names
}

// TestSourcesShadowNothing checks that an interpreted package declares
// every symbol of the compiled table of the same path: yaegi resolves the
// package name to the interpreted package, so a compiled symbol missing
// from it would be unreachable (a new Go release adding one fails here).
func TestSourcesShadowNothing(t *testing.T) {
	for _, p := range Packages {
		names := declared(t, p)
		var missing []string
		for name := range stdsyms.Symbols[p+"/"+p] {
			if name[0] != '_' && !names[name] {
				missing = append(missing, name)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			t.Errorf("interpreted %s lacks compiled symbols %v", p, missing)
		}
	}
	if len(stdsyms.Symbols["sync/sync"]) == 0 {
		t.Fatal("no compiled table for sync")
	}
}

// TestSourcesDeclare lists what each interpreted package must provide.
func TestSourcesDeclare(t *testing.T) {
	want := map[string][]string{
		"cmp":    {"Compare", "Less", "Or", "Ordered"},
		"iter":   {"Seq", "Seq2"},
		"slices": {"All", "BinarySearch", "BinarySearchFunc", "Clone", "Collect", "Compact", "Contains", "Delete", "Equal", "Index", "IndexFunc", "Insert", "Max", "Min", "Reverse", "Sort", "SortFunc", "SortStableFunc", "Sorted", "Values"},
		"maps":   {"Clone", "Collect", "Copy", "DeleteFunc", "Keys", "Values"},
		"sync":   {"OnceFunc", "OnceValue", "OnceValues", "WaitGroup", "Mutex"},
	}
	for p, names := range want {
		got := declared(t, p)
		for _, n := range names {
			if !got[n] {
				t.Errorf("%s.%s is not declared", p, n)
			}
		}
	}
}

// TestLoad compiles the packages into a bare interpreter and calls one
// function of each.
func TestLoad(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	if err := i.Use(stdsyms.Exports()); err != nil {
		t.Fatal(err)
	}
	if err := Load(i); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import ("cmp"; "fmt"; "iter"; "maps"; "slices"; "sync")`); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`func probe() string {
	s := []int{3, 1, 2}
	slices.Sort(s)
	m := maps.Clone(map[string]int{"k": 1})
	once := sync.OnceValue(func() int { return len(m) })
	v := slices.Values(s)
	var seq iter.Seq[int] = v
	return fmt.Sprint(s, cmp.Compare(1, 2), once(), slices.Collect(seq))
}`); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("probe()")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "[1 2 3] -1 1 [1 2 3]"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestPull runs iter.Pull and iter.Pull2 interpreted: values in order,
// stop ends the sequence (its yield returns false), next after the end.
func TestPull(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	if err := i.Use(stdsyms.Exports()); err != nil {
		t.Fatal(err)
	}
	if err := Load(i); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import ("fmt"; "iter"; "strings")`); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`func pull() string {
	var b strings.Builder
	stopped := false
	squares := func(yield func(int) bool) {
		for i := 1; ; i++ {
			if !yield(i * i) {
				stopped = true
				return
			}
		}
	}
	next, stop := iter.Pull[int](squares)
	for j := 0; j < 3; j++ {
		v, ok := next()
		fmt.Fprint(&b, v, ok, " ")
	}
	stop()
	stop()
	v, ok := next()
	fmt.Fprint(&b, v, ok, stopped, " ")
	short := func(yield func(string, int) bool) {
		_ = yield("a", 1) && yield("b", 2)
	}
	next2, stop2 := iter.Pull2[string, int](short)
	for j := 0; j < 3; j++ {
		k, v, ok := next2()
		fmt.Fprint(&b, k, v, ok, " ")
	}
	stop2()
	return b.String()
}`); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval("pull()")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := v.String(), "1 true 4 true 9 true 0 false true a1 true b2 true 0 false "; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
