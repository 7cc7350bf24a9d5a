package interp

import "testing"

// A variable declared with an initializer that calls a generic function
// gets the call's value (yaegi alone gives the zero value).
func TestVarInitGenericCall(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"slices\"; \"maps\")\nm := map[string]int{\"b\": 1, \"a\": 2}\nfunc First[T any](s []T) T { return s[0] }")
	for _, tt := range []struct{ code, want string }{
		{"var keys []string = slices.Sorted(maps.Keys(m))\nfmt.Println(keys)", "[a b]\n"},
		{"func f() { var n int = slices.Max([]int{1, 5, 2}); fmt.Println(n) }\nf()", "5\n"},
		{"func g() { var n = slices.Max([]int{1, 5, 2}); fmt.Println(n) }\ng()", "5\n"},
		{"func h() { var (\n\tn = First([]int{7})\n\tm int = First([]int{8})\n\tk = 3\n)\n\tfmt.Println(n, m, k) }\nh()", "7 8 3\n"},
		{"x := 10\nfunc() { var x = x + First([]int{1}); fmt.Println(x) }()", "11\n"},
		{"func p() (int, error) { return 4, nil }\nfunc q() { var a, err = p(); fmt.Println(a, err) }\nq()", "4 <nil>\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestVarInitRewrite(t *testing.T) {
	for _, tt := range []struct {
		text  string
		stmts bool
		want  string
	}{
		{"var n int = f()", true, "var n int; n = /*line _.go:1:13*/f()"},
		{"var n = f()", true, "var n = f()"},
		{"var n = 3", false, "var n = 3"},
		{"func g() { var n = f() }", false, "func g() { n := /*line _.go:1:20*/f() }"},
		{"func g() { var n = n + f() }", false, "func g() { var n = n + f() }"},
		{"func g() {\n\tvar (\n\t\ta = f()\n\t\tb = 2\n\t)\n}", false, "func g() {\n\t\n\t\ta := /*line _.go:3:7*/f();\n\t\tvar b = 2;\n\t\n}"},
	} {
		prefix, suffix := "package p;/*line _.go:1:1*/", ""
		if tt.stmts {
			prefix, suffix = "package p;func _(){/*line _.go:1:1*/", "\n}"
		}
		if got := varInitRewrite(prefix, tt.text, suffix, tt.stmts); got != tt.want {
			t.Errorf("varInitRewrite(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
