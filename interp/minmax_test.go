package interp

import (
	"go/ast"
	"go/parser"
	"go/token"
	"testing"
)

func TestMinmaxType(t *testing.T) {
	known := func(n string) (string, bool) {
		if n == "earlier" {
			return "float64", true
		}
		return "", false
	}
	tests := []struct {
		args string // a call's arguments, in a function with params a, b int; f float64
		want string // "" for not rewritten
	}{
		{"1, 2", "int"},
		{"1, 2.5", "float64"},
		{"'a', 1", "rune"},
		{`"a", "b"`, "string"},
		{"a, b", "int"},
		{"a, 1", "int"},
		{"a, 2.5", ""}, // Go rejects it: left to the interpreter's error
		{"f, 1", "float64"},
		{"a, f", ""},
		{"len(s), 3", "int"},
		{"math.Sqrt(f), 1", "float64"},
		{"float64(a), f", "float64"},
		{"xs[0], 1", "int"},
		{"min(a, b), 4", "int"},
		{"earlier, 1", "float64"},
		{"unknown, 1", ""},
		{`1, "a"`, ""},
	}
	for _, tt := range tests {
		src := "package p\nfunc _(a, b int, f float64, s string) {\nxs := []int{1}\n_ = min(" + tt.args + ")\n}"
		file, err := parser.ParseFile(token.NewFileSet(), "", src, 0)
		if err != nil {
			t.Fatalf("%s: %v", tt.args, err)
		}
		var call *ast.CallExpr
		ast.Inspect(file, func(n ast.Node) bool {
			if c, ok := n.(*ast.CallExpr); ok && call == nil {
				if id, ok := c.Fun.(*ast.Ident); ok && id.Name == "min" {
					call = c
				}
			}
			return true
		})
		got, ok := minmaxType(call.Args, known)
		if !ok {
			got = ""
		}
		if got != tt.want {
			t.Errorf("min(%s): type %q, want %q", tt.args, got, tt.want)
		}
	}
}

// End to end, compared with what compiled Go prints.
func TestMinmaxInSession(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"math\")\nlimit := 3\nvar scale float64 = 2")
	tests := []struct{ code, want string }{
		{`fmt.Println(min(3, 1, 2), max(2.5, 1), min("b", "a"), max(1, 'a'))`, "1 2.5 a 97\n"},
		{"func clamp(x, lo, hi int) int { return max(lo, min(x, hi)) }\nfmt.Println(clamp(5, 0, 3), clamp(-1, 0, 3))", "3 0\n"},
		{"g := 1.5\nfmt.Println(min(scale, 1), max(g, scale), min(math.NaN(), 1), min(0.0, math.Copysign(0, -1)), max(math.Inf(-1), -1))", "1 2 NaN -0 -1\n"},
		{"y := min(limit, 10)\ny += 1\nfmt.Println(y)", "4\n"},
		{"var u8 uint8 = 200\nfmt.Println(max(u8, 100), min(u8, 255))", "200 200\n"},
		{"func h(a, b float32) float32 { return min(a, b) }\nfmt.Println(h(1.5, 0.5))", "0.5\n"},
		{"words := []string{\"pear\", \"fig\"}\nfmt.Println(min(words[0], words[1]), max(len(words[0]), len(words[1])))", "fig 4\n"},
		{"xs := []float64{3, 1.5, 9}\nbest := xs[0]\nfor _, x := range xs {\n\tbest = max(best, x)\n}\nfmt.Println(best)", "9\n"},
		{"m := map[string]int{\"a\": 3, \"b\": 5}\nlo := 100\nfor k, v := range m {\n\tlo = min(lo, v, len(k)+10)\n}\nfmt.Println(lo)", "3\n"},
		{"type P struct{ X, Y int }\nfunc (p P) Sum() int { return p.X + p.Y }\np := P{X: 3, Y: 4}\npp := &p\nfmt.Println(max(p.X, p.Y), min(p.Sum(), 100), min(pp.X, 1))", "4 7 1\n"},
		{"func first(s string) rune { r := 'z'; for _, c := range s { r = min(r, c) }; return r }\nfmt.Println(string(first(\"hello\")))", "e\n"},
	}
	for _, tt := range tests {
		_, rec := run(t, s, tt.code)
		if got := rec.stdout(); got != tt.want {
			t.Errorf("%s\n printed %q, want %q", tt.code, got, tt.want)
		}
	}
}

// A function redefined as a variable no longer has a known result type.
func TestMinmaxRedefined(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\nfunc val() int { return 1 }")
	run(t, s, "val := func() float64 { return 2.5 }")
	_, rec, e := try(t, s, "fmt.Println(min(val(), 3))")
	if e == nil && rec.stdout() != "2.5\n" {
		t.Errorf("printed %q, want 2.5 or an error", rec.stdout())
	}
}
