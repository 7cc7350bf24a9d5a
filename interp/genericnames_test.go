package interp

import (
	"strings"
	"testing"
)

// A cell's generic function and a standard one of the same name, used with
// the same type arguments, each compute their own result.
func TestCellGenericDoesNotShadowStd(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"cmp\"; \"fmt\"; \"slices\")\nfunc Max[T cmp.Ordered](xs []T) T { return xs[0] }")
	_, out := run(t, s, "xs := []int{3, 9, 4}\nfmt.Println(slices.Max(xs), Max(xs))")
	if got := out.stdout(); got != "9 3\n" {
		t.Fatalf("stdout = %q, want %q", got, "9 3\n")
	}
	_, out = run(t, s, "func Compare[T cmp.Ordered](a, b T) int { return 99 }\nfmt.Println(cmp.Compare(1, 2), Compare(1, 2))")
	if got := out.stdout(); got != "-1 99\n" {
		t.Fatalf("stdout = %q, want %q", got, "-1 99\n")
	}
}

// Errors name a cell's generic functions as the cell wrote them.
func TestCellGenericErrorsUseCellNames(t *testing.T) {
	s := newSession(t)
	run(t, s, "func Pick[T any](xs []T) T { return xs[0] }")
	_, _, e := try(t, s, "Pick(1, 2)")
	if e == nil {
		t.Fatal("no error")
	}
	if strings.Contains(e.Value, genericPrefix) || strings.Contains(strings.Join(e.Traceback, "\n"), genericPrefix) {
		t.Fatalf("error shows the renamed function: %v %q", e, e.Traceback)
	}
}

func TestGenericRename(t *testing.T) {
	gen := func(n string) bool { return n == "Max" }
	got := genericRename("package p;", "type S struct{ Max int }\nfunc (S) Max() {}\nfunc f(s S) int { return Max([]int{s.Max}) + S{Max: 1}.Max }", "", gen)
	want := "type S struct{ Max int }\nfunc (S) Max() {}\nfunc f(s S) int { return " + genericPrefix + "Max/*line _.go:3:29*/([]int{s.Max}) + S{Max: 1}.Max }"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}
