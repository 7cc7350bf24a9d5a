package main

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// testImportcfg writes an import configuration with the export data of
// fmt, os, log and cellrt, as the go command gives the compiler.
func testImportcfg(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	out, err := exec.Command("go", "list", "-export", "-deps", "-f", "packagefile {{.ImportPath}}={{.Export}}", "fmt", "os", "log", cellrtPath).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	cfg := filepath.Join(t.TempDir(), "importcfg")
	if err := os.WriteFile(cfg, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// typeCheck reports the type errors of src against cfg.
func typeCheck(t *testing.T, src []byte, cfg string) error {
	t.Helper()
	ic, err := readImportcfg(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", src, parser.SkipObjectResolution)
	if err != nil {
		return err
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", ic.open), Sizes: types.SizesFor("gc", runtime.GOARCH)}
	_, err = conf.Check("warren.native/x", fset, []*ast.File{f}, nil)
	return err
}

func TestRewriteCell(t *testing.T) {
	cfg := testImportcfg(t)
	src := `package main

import (
	"fmt"
	xos "os"
)

type B bool

func show(ch chan string, b B, f float64, xs ...int) { ch <- fmt.Sprint(b, f, xs) }

func run() {
	ch := make(chan string)
	x := 1
	h := show
/*line cell:20:1*/	go h(ch, x == 1, 2, x, x)
	go func() {
		go show(ch, true, 1)
	}()
	xos.Exit(2)
}
`
	out, err := rewriteCell("warren.native/x", []string{"cell.go"}, [][]byte{[]byte(src)}, cfg, "go1.26")
	if err != nil {
		t.Fatal(err)
	}
	got := string(out[0])
	for _, want := range []string{
		`import warren_cellrt "github.com/warren-go/warren/native/cellrt"`,
		"warren_go1_f0 := /*line cell:20:5*/h; ",          // a variable callee is evaluated in place
		"warren_go1_a1 := B(/*line cell:20:11*/x == 1); ", // an untyped comparison gets its type
		"/*line cell:20:19*/2",                            // a constant moves into the goroutine
		"warren_cellrt.Exit/*line",
		"var _ = xos.Exit",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten source lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "warren_cellrt.Start()"); n != 3 {
		t.Errorf("%d go statements rewritten, want 3 (one nested):\n%s", n, got)
	}
	if strings.Count(got, "\n") < strings.Count(src, "\n") {
		t.Errorf("lines were lost:\n%s", got)
	}
	if err := typeCheck(t, out[0], cfg); err != nil {
		t.Errorf("the rewritten source does not type-check: %v\n%s", err, got)
	}

	// A package with a type error is left for the compiler to report.
	bad := []byte("package main\n\nfunc f() { go g(1) }\n")
	out, err = rewriteCell("warren.native/x", []string{"cell.go"}, [][]byte{bad}, cfg, "go1.26")
	if err != nil || string(out[0]) != string(bad) {
		t.Errorf("a package that does not type-check was changed: %v\n%s", err, out[0])
	}
}
