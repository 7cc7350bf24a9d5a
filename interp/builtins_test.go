package interp

import (
	"strings"
	"testing"
)

func TestBuiltinRewrite(t *testing.T) {
	const prefix, suffix = "package p;func _(){", "\n}"
	tests := []struct{ in, want string }{
		{`v, ok := m["a"]`, `var v = m["a"]; var ok bool; v, ok = m["a"]`},
		{`var v, ok = m[k]`, `var v = m[k]; var ok bool; v, ok = m[k]`},
		{`_, ok := m[k]`, `var ok bool; _, ok = m[k]`},
		{"ok := true; v, ok := m[k]", "ok := true; var v = m[k]; v, ok = m[k]"},
		{`v, ok := m[f()]`, `__warren_m1, __warren_k1 := m, f(); var v = __warren_m1[__warren_k1]; var ok bool; v, ok = __warren_m1[__warren_k1]`},
		{`n, ok := x.(int)`, `var n int; var ok bool; n, ok = x.(int)`},
		{`s, ok := x.(fmt.Stringer)`, `var s fmt.Stringer; var ok bool; s, ok = x.(fmt.Stringer)`},
		{`a, b := 1, 2`, `a, b := 1, 2`},
		{`a, b := f()`, `a, b := f()`},
		{`clear(m)`, `__warren.Clear(m)`},
		{"switch v := x.(type) {\ncase int:\n\t_ = v\n}", "func() { switch v := x.(type) {\ncase int:\n\t_ = v\n} }()"},
		{"switch x.(type) {\n}", "switch x.(type) {\n}"},
		{`func() { clear := func(int) {}; clear(1) }()`, `func() { clear := func(int) {}; clear(1) }()`},
	}
	for _, tt := range tests {
		got, _, err := builtinRewrite(prefix, tt.in, suffix, true, &userNames{varTypes: map[string]string{}})
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		// Drop the line directives that restore columns.
		for {
			i := strings.Index(got, "/*line")
			if i < 0 {
				break
			}
			j := strings.Index(got[i:], "*/")
			got = got[:i] + got[i+j+2:]
		}
		if got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
	if got, _, _ := builtinRewrite(prefix, "clear(m)", suffix, true, &userNames{varTypes: map[string]string{}, shadowed: func(n string) bool { return n == "clear" }}); got != "clear(m)" {
		t.Errorf("a session's own clear was rewritten: %s", got)
	}
	if _, _, err := builtinRewrite(prefix, "v, ok := <-ch", suffix, true, &userNames{varTypes: map[string]string{}}); err == nil || !strings.Contains(err.Error(), "declare the variables first") {
		t.Errorf("receive: %v", err)
	}
	got, _, err := builtinRewrite(prefix, "ch := make(chan string)\nv, ok := <-ch", suffix, true, &userNames{varTypes: map[string]string{}})
	if i := strings.Index(got, "/*line"); i >= 0 {
		got = got[:i]
	}
	if err != nil || got != "ch := make(chan string)\nvar v string; var ok bool; v, ok = <-ch" {
		t.Errorf("receive from a spelled channel: %q, %v", got, err)
	}
}

// End to end, compared with what compiled Go prints.
func TestBuiltinsInSession(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "strconv")
m := map[string]int{"a": 1, "b": 2}
var x any = 3
calls := 0
two, _ := strconv.Atoi("2")
func key() string { calls++; return "a" }
func Sum[T int | float64](xs ...T) T { var s T; for _, x := range xs { s += x }; return s }`)
	tests := []struct{ code, want string }{
		{"v, ok := m[\"a\"]\nfmt.Println(v, ok)", "1 true\n"},
		{"v, ok := m[\"zz\"]\nfmt.Println(v, ok)", "0 false\n"},
		{"w, found := m[key()]\nfmt.Println(w, found, calls)", "1 true 1\n"},
		{"n, isInt := x.(int)\nfmt.Println(n, isInt)", "3 true\n"},
		{"s, isStr := x.(string)\nfmt.Printf(\"%q %v\\n\", s, isStr)", "\"\" false\n"},
		{"var st, isStringer = x.(fmt.Stringer)\nfmt.Println(st, isStringer)", "<nil> false\n"},
		{"ch := make(chan int, 1)\nch <- 4\nclose(ch)\nr, ok := <-ch\nr2, ok2 := <-ch\nfmt.Println(r, ok, r2, ok2)", "4 true 0 false\n"},
		{"switch v := x.(type) {\ncase int:\n\tfmt.Println(\"int\", v+1)\ncase string:\n\tfmt.Println(v)\n}", "int 4\n"},
		{"sl := []int{1, 2, 3}\nclear(sl)\nclear(m)\nfmt.Println(sl, len(m))", "[0 0 0] 0\n"},
		{"func g() int { mm := map[int]int{1: 1}; clear(mm); return len(mm) }\nfmt.Println(g())", "0\n"},
	}
	for _, tt := range tests {
		_, rec := run(t, s, tt.code)
		if got := rec.stdout(); got != tt.want {
			t.Errorf("%q printed %q, want %q", tt.code, got, tt.want)
		}
	}
	for code, want := range map[string]string{
		"import \"time\"\nr, ok := <-time.After(0)":    "line 2:1: the interpreter cannot compile `v, ok := <-ch` at a cell's top level",
		"ns := []int{1}\nfmt.Println(min(ns[0], two))": "warren supplies it where the type of an operand is spelled",
		"fmt.Println(max(two, 1))":                     "warren supplies it where the type of an operand is spelled",
	} {
		_, _, e := try(t, s, code)
		if e == nil || e.Name != "CompileError" || !strings.Contains(strings.Join(e.Traceback, "\n"), want) {
			t.Errorf("%q: error %v, want %q", code, e, want)
		}
	}
	// With the type arguments written out, or inferred by go/types and
	// written by warren, it works.
	_, rec := run(t, s, "func useSum2() int { return Sum[int](1, 2, 3) }\nfunc useSum() int { return Sum(1, 2, 3) }\nfmt.Println(useSum2(), useSum())")
	if got := rec.stdout(); got != "6 6\n" {
		t.Errorf("generic calls printed %q", got)
	}
}

// print and println write to stderr in the format of Go 1.26's builtins
// (the expected text is what go run prints).
func TestPrintBuiltins(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, "import \"math\"\nprintln(1.0, 1e21, 123456789.0, 1e-7, float32(0.1), math.NaN(), math.Inf(-1), math.Copysign(0, -1), complex(1, 2), \"s\", true)\nprint(\"x\", 3, \"\\n\")\nfunc f() { println(\"in f\") }\nf()")
	if got, want := rec.stderr(), "1 1e+21 1.23456789e+08 1e-07 0.1 NaN -Inf -0 (1+2i) s true\nx3\nin f\n"; got != want {
		t.Errorf("stderr %q, want %q", got, want)
	}
	if rec.stdout() != "" {
		t.Errorf("stdout %q", rec.stdout())
	}
}
