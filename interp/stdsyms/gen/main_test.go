package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/warren-go/warren/interp/stdsyms"
)

// TestTablesMatchToolchain fails when the committed tables were made by
// another Go release than the one running the tests: run
// `go generate ./interp/stdsyms`.
func TestTablesMatchToolchain(t *testing.T) {
	v, err := goVersion()
	if err != nil {
		t.Fatal(err)
	}
	if stdsyms.GoVersion != v {
		t.Fatalf("tables are for %s, the toolchain is %s: run go generate ./interp/stdsyms", stdsyms.GoVersion, v)
	}
	got, err := os.ReadFile("../version.go")
	if err != nil {
		t.Fatal(err)
	}
	if want := VersionFile(v, len(listed(t))); !bytes.Equal(got, want) {
		t.Errorf("version.go differs from what go generate writes:\n%s\nwant\n%s", got, want)
	}
}

// TestTablesReproduce regenerates a sample of tables (a plain package, one
// with interface wrappers, one with restricted symbols, one added after
// Go 1.22) and compares them with the committed files.
func TestTablesReproduce(t *testing.T) {
	for _, p := range []string{"strings", "io", "log", "crypto/sha3", "sync"} {
		want, err := Table(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", FileName(p)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: committed table differs from go generate's: run go generate ./interp/stdsyms", p)
		}
	}
}

// TestTablesCoverStd checks that every importable standard package has a
// table and no table is left over.
func TestTablesCoverStd(t *testing.T) {
	pkgs := listed(t)
	var want []string
	for _, p := range pkgs {
		want = append(want, FileName(p))
	}
	got, err := filepath.Glob("../std_*.go")
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i] = filepath.Base(got[i])
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("table files\n%v\nstandard packages\n%v\nrun go generate ./interp/stdsyms", got, want)
	}
	for _, p := range []string{"iter", "unique", "weak", "crypto/sha3", "crypto/mlkem", "go/version", "structs", "testing/synctest"} {
		if !slices.Contains(pkgs, p) {
			t.Errorf("%s has no table", p)
		}
	}
	for _, p := range []string{"unsafe", "syscall", "runtime/cgo", "os/exec", "internal/abi", "vendor/golang.org/x/net/dns/dnsmessage"} {
		if slices.Contains(pkgs, p) {
			t.Errorf("%s has a table", p)
		}
	}
}

func listed(t *testing.T) []string {
	t.Helper()
	pkgs, err := stdPackages()
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}
