package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func TestSimpleStmts(t *testing.T) {
	for _, tc := range []struct {
		src    string
		simple bool
	}{
		{"x := 1", true},
		{"fmt.Println(x)", true},
		{"s := fmt.Sprintf(\"%d\", len(a)); b = append(b, float64(3))", true},
		{"f := func() { for {} }", true}, // a literal's body is not run
		{"m := map[string]int{\"a\": 1}; delete(m, \"a\")", true},
		{"if x > 1 { y = 2 } else { y = 3 }", true},
		{"v := []byte(s)", true},
		{"f(1)", false},                      // a cell function may wait
		{"x.Method()", false},                // may run interpreted code that waits
		{"time.Sleep(time.Second)", false},   // waits
		{"v := <-ch", false},                 // channel
		{"ch <- 1", false},                   // channel
		{"go fmt.Println(1)", false},         // a goroutine
		{"for i := 0; i < 3; i++ {}", false}, // may run long
		{"for range 10 {}", false},
		{"func() {}()", false}, // calls a literal
		{"defer fmt.Println(1)", false},
		{"switch x { case 1: }", false},
		{"select {}", false},
		{"wg.Wait()", false},
		{"MyInt(3)", false}, // a conversion or a call: not known without types
		{"", false},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+tc.src+"\n}", 0)
		if err != nil {
			t.Fatal(err)
		}
		body := f.Decls[0].(*ast.FuncDecl).Body.List
		if got := simpleStmts(body); got != tc.simple {
			t.Errorf("%q: simple %v, want %v", tc.src, got, tc.simple)
		}
	}
}

// A simple chunk runs without the Begin hook and still reports its values,
// its output, and a runtime panic as the cell's error at its lines.
func TestSimpleChunksInSession(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, "import \"fmt\"\nx := 40\nfmt.Println(x + 2)")
	if got := rec.stdout(); got != "42\n" {
		t.Errorf("stdout %q", got)
	}
	res, _ := run(t, s, "y := x * 2\ny")
	if plain(res) != "80" {
		t.Errorf("value %s", plain(res))
	}
	_, _, e := try(t, s, "a := []int{1}\nb := a[x]\nfmt.Println(b)")
	if e == nil || e.Name != "runtime.Error" || !strings.Contains(e.Value, "index out of range [40] with length 1") {
		t.Fatalf("index out of range: %#v", e)
	}
	if !strings.Contains(strings.Join(e.Traceback, "\n"), "top level of the cell (lines 1-3)") {
		t.Errorf("traceback: %q", e.Traceback)
	}
}
