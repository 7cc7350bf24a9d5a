package interp

import (
	"strings"
	"testing"
)

// itemOrder returns the first line of each item of code after ordering.
func itemOrder(t *testing.T, code string) ([]string, error) {
	t.Helper()
	chunks, err := splitCell(code, 1)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, c := range chunks {
		for _, l := range strings.Split(c.text, "\n") {
			for {
				i := strings.Index(l, "/*line")
				if i < 0 {
					break
				}
				l = l[:i] + l[i+strings.Index(l[i:], "*/")+2:]
			}
			if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "}") && l != goHook+".End()" {
				out = append(out, strings.TrimSuffix(l, ";"))
			}
		}
	}
	return out, nil
}

func TestOrderItems(t *testing.T) {
	tests := []struct {
		name, code string
		want       []string
	}{
		{"in order stays", "a := 1\nfunc f() int { return a }\nb := f()",
			[]string{"a := 1", "func f() int { return a }", "b := f()"}},
		{"var before the func it calls and the var that func reads",
			"var total = compute()\nfunc compute() int { return base * 2 }\nvar base = 21",
			[]string{"var base = 21", "func compute() int { return base * 2 }", "var total = compute()"}},
		{"statements keep their order", "fmt.Println(f())\nfmt.Println(2)\nfunc f() int { return 1 }",
			[]string{"func f() int { return 1 }", "fmt.Println(f())", "fmt.Println(2)"}},
		{"a statement that needs nothing stays first", "fmt.Println(1)\nfmt.Println(f())\nfunc f() int { return 1 }",
			[]string{"fmt.Println(1)", "func f() int { return 1 }", "fmt.Println(f())"}},
		{"using a type uses its methods", "var v = T{}.M()\ntype T struct{}\nfunc (T) M() int { return k }\nconst k = 3",
			[]string{"type T struct{}", "const k = 3", "func (T) M() int { return k }", "var v = T{}.M()"}},
		{"mutually recursive funcs stay together", "var x = even(4)\nfunc even(n int) bool { if n == 0 { return true }; return odd(n - 1) }\nfunc odd(n int) bool { if n == 0 { return false }; return even(n - 1) }",
			[]string{"func even(n int) bool { if n == 0 { return true }; return odd(n - 1) }", "func odd(n int) bool { if n == 0 { return false }; return even(n - 1) }", "var x = even(4)"}},
		{"a later redeclaration is not a forward reference", "x := 1\nfmt.Println(x)\nx = 2",
			[]string{"x := 1", "fmt.Println(x)", "x = 2"}},
		{"a local shadowing a later name is no reference", "func f() int { base := 1; return base }\nvar base = f()",
			[]string{"func f() int { base := 1; return base }", "var base = f()"}},
		{"a statement using a name a later statement declares means the older one", "fmt.Println(count)\ncount := 10",
			[]string{"fmt.Println(count)", "count := 10"}},
		{"struct keys are not references", "type C struct{ total int }\nvar c = C{total: 1}\nvar total = c.total",
			[]string{"type C struct{ total int }", "var c = C{total: 1}", "var total = c.total"}},
		{"a var group is ordered spec by spec", "var (\n\ta = c + b\n\tb = f()\n\tc = f()\n\td = 3\n)\nfunc f() int { d++; return d }",
			[]string{"var d = 3", "func f() int { d++; return d }", "var b = f()", "var c = f()", "var a = c + b"}},
		{"map literal keys are references", "var names = map[level]string{low: \"low\"}\ntype level int\nconst low level = 0",
			[]string{"type level int", "const low level = 0", "var names = map[level]string{low: \"low\"}"}},
		{"import moves before its use", "fmt.Println(1)\nimport \"fmt\"",
			[]string{"import \"fmt\"", "fmt.Println(1)"}},
		{"package clause dropped", "package main\nfunc f() {}",
			[]string{"func f() {}"}},
		{"if header with semicolon", "if v, ok := m[k]; ok {\n}\nvar m = map[string]int{}\nvar k = \"a\"",
			[]string{"var m = map[string]int{}", "var k = \"a\"", "func() { if v, ok := m[k]; ok {"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := itemOrder(t, tt.code)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestOrderCycles(t *testing.T) {
	for _, code := range []string{
		"var a = b\nvar b = a",
		"var a = f()\nfunc f() int { return a }",
		"fmt.Println(f())\nx := 2\nfunc f() int { return x }",
	} {
		_, err := splitCell(code, 1)
		if err == nil || !strings.Contains(err.Error(), "initialization cycle") {
			t.Errorf("%q: error = %v, want an initialization cycle", code, err)
		}
	}
}

// Running a cell again: a function using a variable the cell declares
// with := further down uses the existing one, as before the cell ran.
func TestOrderRerun(t *testing.T) {
	s := newSession(t)
	cell := "import \"fmt\"\nfunc show() { fmt.Println(count) }\nshow()\ncount := 5"
	if _, _, e := try(t, s, cell); e == nil {
		t.Fatal("first run: want an error (count is not declared yet)")
	}
	run(t, s, "count := 1")
	_, rec := run(t, s, cell)
	if got := rec.stdout(); got != "1\n" {
		t.Errorf("printed %q, want %q", got, "1\n")
	}
}

// End to end: what compiled Go prints for the same package-level code.
func TestOrderInSession(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, `import "fmt"
var total = compute()
fmt.Println(total, double(base))
func compute() int { return double(base) }
func double(x int) int { return x * 2 }
var base = 21`)
	if got := rec.stdout(); got != "42 42\n" {
		t.Errorf("printed %q, want %q", got, "42 42\n")
	}
	// Go's order of package variables, one by one (go run prints 9 4 5 5).
	_, rec = run(t, s, "var (\n\tga = gc + gb\n\tgb = gf()\n\tgc = gf()\n\tgd = 3\n)\nfunc gf() int {\n\tgd++\n\treturn gd\n}\nfmt.Println(ga, gb, gc, gd)")
	if got := rec.stdout(); got != "9 4 5 5\n" {
		t.Errorf("printed %q, want %q", got, "9 4 5 5\n")
	}
	_, _, e := try(t, s, "var a = b + 1\nvar b = a + 1")
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "line 1:1: initialization cycle: a (line 1), b (line 2)") {
		t.Errorf("cycle error = %v", e)
	}
	if e != nil && !strings.Contains(strings.Join(e.Traceback, "\n"), "1 | var a = b + 1") {
		t.Errorf("traceback lacks the line: %q", e.Traceback)
	}
	// Positions of moved items are still the cell's lines.
	_, _, e = try(t, s, "x := g()\nfunc g() int {\n\treturn undefinedName\n}")
	if e == nil || !strings.Contains(e.Value, "line 3:9: undefined: undefinedName") {
		t.Errorf("error = %v", e)
	}
}
