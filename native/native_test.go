package native

import (
	"context"
	"os/exec"
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
}
