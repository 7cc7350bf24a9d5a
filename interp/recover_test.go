package interp

import "testing"

// recover() returns the panic's own value, so type assertions on it work,
// and a run-time error of interpreted code is a runtime.Error.
func TestRecoverValues(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"runtime\")\ntype fault struct{ code int }")
	for _, tt := range []struct{ code, want string }{
		{"func a() { defer func() { f, ok := recover().(fault); fmt.Println(f.code, ok) }(); panic(fault{3}) }\na()", "3 true\n"},
		{"func c() { defer func() { s, ok := recover().(string); fmt.Println(s, ok) }(); panic(\"s\") }\nc()", "s true\n"},
		{"func b() { defer func() { e, ok := recover().(runtime.Error); fmt.Println(ok, e) }(); xs := []int{1}; i := 5; _ = xs[i] }\nb()",
			"true runtime error: index out of range [5] with length 1\n"},
		{"func d() { defer func() { fmt.Println(recover()) }() }\nd()", "<nil>\n"},
		// At a cell's top level recover() is nil; inside a literal there it works.
		{"fmt.Println(recover())\nfunc() { defer func() { fmt.Println(\"got\", recover()) }(); panic(\"p\") }()", "<nil>\ngot p\n"},
		{"func e() (err error) { defer func() { if r := recover(); r != nil { err = r.(error) } }(); panic(fmt.Errorf(\"wrapped\")) }\nfmt.Println(e())", "wrapped\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
	checkRewrites(t, []struct{ code, want string }{
		{"fmt.Println(recover())", "fmt.Println(any(nil))"},
		{"defer func() { recover() }()", "defer func() { if __warren.Exiting() { return };/*line _.go:100001:15*/ __warren.Recovered(/*line _.go:100001:16*/recover()) }()"},
	})
}
