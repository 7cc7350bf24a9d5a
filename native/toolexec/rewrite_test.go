package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAsMain(t *testing.T) {
	src := "// Package doc.\npackage native // the name\n\nimport \"fmt\"\n\nvar native = fmt.Sprint(1)\n"
	got, err := asMain("cell.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := "// Package doc.\npackage main // the name\n\nimport \"fmt\"\n\nvar native = fmt.Sprint(1)\n"
	if string(got) != want {
		t.Errorf("asMain:\n%s\nwant:\n%s", got, want)
	}
	if _, err := asMain("bad.go", []byte("func f() {}")); err == nil {
		t.Error("asMain of a file without a package clause: no error")
	}
}

// The compiler gives a package main compiled for dynamic linking a plugin
// table; renamePluginTable renames it in place, once, and leaves a
// package without one alone.
func TestRenamePluginTable(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	dir := t.TempDir()
	compile := func(name, src string) string {
		t.Helper()
		file := filepath.Join(dir, name+".go")
		if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name+".a")
		cmd := exec.Command("go", "tool", "compile", "-dynlink", "-p", "example.com/"+name, "-o", out, file)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go tool compile: %v\n%s", err, b)
		}
		return out
	}
	obj := compile("withtab", "package main\n\nfunc F() int { return 1 }\n\nvar V = 2\n\nvar S = \"go:plugin.tabs in a string\"\n")
	before, _ := os.ReadFile(obj)
	for _, r := range renames {
		if !bytes.Contains(before, []byte(r[0])) {
			t.Fatalf("the compiler wrote no %s (the test needs a package with a plugin table)", r[0])
		}
	}
	if err := renamePluginTable(obj); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(obj)
	if len(after) != len(before) {
		t.Errorf("size changed: %d → %d", len(before), len(after))
	}
	for _, r := range renames {
		if !bytes.Contains(after, []byte(r[1])) {
			t.Errorf("%s not renamed to %s", r[0], r[1])
		}
	}
	// The string literal is data, not a symbol name: it stays.
	if !bytes.Contains(after, []byte("go:plugin.tabs in a string")) {
		t.Error("a string literal of the package was changed")
	}
	if err := renamePluginTable(obj); err != nil {
		t.Errorf("second rename: %v", err)
	}

	plain := compile("notab", "package lib\n\nfunc F() int { return 1 }\n")
	b, _ := os.ReadFile(plain)
	if err := renamePluginTable(plain); err != nil {
		t.Fatal(err)
	}
	if b2, _ := os.ReadFile(plain); !bytes.Equal(b, b2) {
		t.Error("a package without a plugin table was changed")
	}
}

func TestRenamePluginTableUnknownFormat(t *testing.T) {
	f := filepath.Join(t.TempDir(), "x.a")
	if err := os.WriteFile(f, []byte("!<arch>\nnot a Go object"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := renamePluginTable(f)
	if err == nil || !strings.Contains(err.Error(), "does not know") {
		t.Errorf("err = %v", err)
	}
}
