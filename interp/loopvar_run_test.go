package interp

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoopVarsEndToEnd runs each case as top-level statements of a cell,
// and as the body of a function the cell declares and calls.
func TestLoopVarsEndToEnd(t *testing.T) {
	for _, tt := range loopCases {
		for _, form := range []string{"top level", "in a function"} {
			t.Run(tt.name+"/"+form, func(t *testing.T) {
				s := newSession(t)
				code := "import (" + tt.imports + ")\n" + tt.decls + "\n" + tt.body
				if form == "in a function" {
					code = "import (" + tt.imports + ")\n" + tt.decls + "\nfunc body() {\n" + tt.body + "\n}\nbody()"
				}
				_, rec := run(t, s, code)
				if got := rec.stdout(); got != tt.want {
					t.Errorf("stdout:\n%s\nwant:\n%s\nstderr: %s", got, tt.want, rec.stderr())
				}
			})
		}
	}
}

// TestLoopCasesMatchCompiledGo checks each case's want against the
// program compiled by the go command (statements in main): all are built
// at once as packages of one module, then run.
func TestLoopCasesMatchCompiledGo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module cases\n\ngo 1.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, tt := range loopCases {
		src := "package main\n\nimport (" + tt.imports + ")\n\n" + tt.decls + "\n\nfunc main() {\n" + tt.body + "\n}\n"
		d := filepath.Join(dir, fmt.Sprint("c", i))
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "bin")
	build := exec.Command(gocmd, "build", "-o", bin+string(filepath.Separator), "./...")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for i, tt := range loopCases {
		out, err := exec.Command(filepath.Join(bin, fmt.Sprint("c", i))).Output()
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if string(out) != tt.want {
			t.Errorf("%s: compiled Go prints\n%s\nthe case wants\n%s", tt.name, out, tt.want)
		}
	}
}

// A range over an integer or a function declared by an earlier cell.
func TestRangeAcrossCells(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\nfunc two() int { return 2 }\nfunc countTo(n int) func(func(int) bool) {\n\treturn func(yield func(int) bool) {\n\t\tfor i := 1; i <= n && yield(i); i++ {\n\t\t}\n\t}\n}\nn := 3\nvar k int64 = 2\nseq := func(yield func(string, int) bool) {\n\t_ = yield(\"a\", 1) && yield(\"b\", 2)\n}")
	_, rec := run(t, s, "for i := range n {\n\tfmt.Print(i)\n}\nfor i := range k {\n\tfmt.Printf(\" %T\", i)\n}\nfor s, v := range seq {\n\tfmt.Print(\" \", s, v)\n}\nxs := []int{7, 8}\nfor i := range len(xs) {\n\tfmt.Print(\" \", i)\n}\nfmt.Println()")
	if got, want := rec.stdout(), "012 int64 int64 a1 b2 0 1\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	// A function of an earlier cell.
	_, rec = run(t, s, "for i := range two() {\n\tfmt.Print(i)\n}\nfunc use() {\n\tfor x := range countTo(2) {\n\t\tfmt.Print(\" \", x)\n\t}\n}\nuse()")
	if rec.stdout() != "01 1 2" {
		t.Errorf("stdout %q", rec.stdout())
	}
	// A range yaegi cannot compile and warren cannot type (a module's
	// function: standard-library ones are typed from the toolchain, see
	// TestRangeOverPackageIterators): a clear error.
	_, rec, e := try(t, s, "import \"gonum.org/v1/gonum/floats\"\nfor i := range floats.MaxIdx([]float64{1, 3}) {\n\tfmt.Print(i)\n}")
	if e == nil || !strings.Contains(strings.Join(e.Traceback, "\n"), "range over an integer or a function") {
		t.Errorf("error = %#v, stdout %q", e, rec.stdout())
	}
	// Declared in the same cell, its type is known.
	_, rec = run(t, s, "func three() int { return 3 }\nfor i := range three() {\n\tfmt.Print(i)\n}")
	if rec.stdout() != "012" {
		t.Errorf("stdout %q", rec.stdout())
	}
}

// recover() deferred in a loop body that runs as a function: a clear
// compile error at the defer's line.
func TestRecoverInWrappedLoopIsAnError(t *testing.T) {
	s := newSession(t)
	_, _, e := try(t, s, "import \"fmt\"\nfunc f() {\n\tfor i := 0; i < 2; i++ {\n\t\tdefer func() { recover(); fmt.Println(i) }()\n\t}\n}")
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "line 4:3") || !strings.Contains(e.Value, "move the loop into a function") {
		t.Errorf("error = %#v", e)
	}
}

// Types and methods of earlier cells: deferred receivers and method values
// bind when Go binds them.
func TestReceiversOfEarlierCells(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\ntype item struct{ n int }\nfunc (it item) show(p string) { fmt.Println(p, it.n) }")
	_, rec := run(t, s, "func use(it item) {\n\tdefer it.show(\"deferred\")\n\tf := it.show\n\tit.n = 9\n\tf(\"value\")\n}\nuse(item{1})")
	if got, want := rec.stdout(), "value 1\ndeferred 1\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	// A variable an earlier cell declared with :=.
	run(t, s, "x := item{2}\nseqs := []int{1}")
	_, rec = run(t, s, "func later() {\n\tdefer x.show(\"global\")\n\tx.n = 7\n}\nlater()")
	if got, want := rec.stdout(), "global 2\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	// A parameter of a package's type (go/types cannot write it): the
	// receiver is still copied at the defer.
	_, rec = run(t, s, "import \"strings\"\nfunc (it item) into(b *strings.Builder) { b.WriteString(fmt.Sprint(it.n)) }\nfunc viaPackageType() string {\n\tvar b strings.Builder\n\tit := item{3}\n\tfunc() {\n\t\tdefer it.into(&b)\n\t\tit = item{4}\n\t}()\n\treturn b.String()\n}\nfmt.Println(viaPackageType())")
	if got, want := rec.stdout(), "3\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}
