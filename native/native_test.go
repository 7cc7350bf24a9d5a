package native

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func testWorkspace(t *testing.T) *Workspace {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	id, err := CurrentIdentity()
	if err != nil {
		t.Fatal(err)
	}
	w, err := Open(id, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestBuildAndLoadPlugin(t *testing.T) {
	w := testWorkspace(t)
	_, err := w.WriteFiles("p1", map[string][]byte{"main.go": []byte(`package main

import ray "github.com/warren-go/warren/parallel"

func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

func Sum() int { return ray.Get(ray.Remote(Fib).Remote(20)).(int) }
`)})
	if err != nil {
		t.Fatal(err)
	}
	so, err := w.BuildPlugin(context.Background(), "p1", BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.Load(so)
	if err != nil {
		t.Fatal(err)
	}
	f, err := p.Lookup("Sum")
	if err != nil {
		t.Fatal(err)
	}
	if got := f.(func() int)(); got != 6765 {
		t.Fatalf("Sum() = %d, want 6765", got)
	}
}

func TestImportPackage(t *testing.T) {
	w := testWorkspace(t)
	var progress strings.Builder
	syms, err := w.ImportPackage(context.Background(), "github.com/google/btree", &progress)
	if err != nil {
		t.Fatal(err)
	}
	m := syms["github.com/google/btree/btree"]
	if _, ok := m["NewG"]; ok {
		t.Errorf("generic NewG in the table")
	}
	newFn, ok := m["New"]
	if !ok {
		t.Fatalf("no New in %v", syms)
	}
	if newFn.Type().NumIn() != 1 {
		t.Errorf("New has type %v", newFn.Type())
	}
	if !strings.Contains(progress.String(), "building github.com/google/btree") {
		t.Errorf("progress: %q", progress.String())
	}
	// The module version it was built from, and ModuleOf agrees.
	got := w.Imported("github.com/google/btree")
	if !strings.HasPrefix(got, "github.com/google/btree@v1.") {
		t.Errorf("Imported = %q, want github.com/google/btree@v1.…", got)
	}
	if mod, err := w.ModuleOf(context.Background(), "github.com/google/btree"); err != nil || mod != got {
		t.Errorf("ModuleOf = %q, %v; want %q", mod, err, got)
	}
	if got := w.Imported("github.com/google/uuid"); got != "" {
		t.Errorf("Imported of a package not imported = %q", got)
	}
}

// A cell package built with CellPrefix is package main to the compiler
// (its types print as main.T), also from a workspace whose path has a
// space, and its plugin loads.
func TestBuildCellAsMain(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go on PATH")
	}
	id, err := CurrentIdentity()
	if err != nil {
		t.Fatal(err)
	}
	w, err := Open(id, Options{Dir: filepath.Join(t.TempDir(), "with space")})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCell("type Point struct{ X int }\n\nfunc P() any { return Point{1} }\n\ndone := make(chan bool)\ngo close(done)\n<-done")
	if err != nil {
		t.Fatal(err)
	}
	path := ModulePath + "/s/t/wnatt1"
	files, err := c.Files(Package{Name: "native", ImportPath: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteFiles("s/t/wnatt1", files); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteFiles("s/t/p1", map[string][]byte{"main.go": PluginMain(path)}); err != nil {
		t.Fatal(err)
	}
	so, err := w.BuildPlugin(context.Background(), "s/t/p1", BuildOptions{CellPrefix: ModulePath + "/s/t/wnat"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.Load(so)
	if err != nil {
		t.Fatal(err)
	}
	sv, err := p.Lookup("Symbols")
	if err != nil {
		t.Fatal(err)
	}
	rv, err := p.Lookup("Run")
	if err != nil {
		t.Fatal(err)
	}
	rv.(func())() // runs the go statement, rewritten
	f := (*sv.(*Symbols))[path+"/native"]["P"].Interface().(func() any)
	if got := fmt.Sprintf("%T", f()); got != "main.Point" {
		t.Errorf("%%T = %s, want main.Point", got)
	}
}
