package interp

import (
	"strings"
	"testing"
)

// chk is the statement form of an index check of x[i].
func chk(x, i string) string {
	return "if " + i + " < 0 || " + i + " >= len(" + x + ") { panic(__warren.IndexError(" + i + ", len(" + x + "))) }; "
}

// rewritten returns the chunks splitCell makes of code, joined by newlines.
func rewritten(t *testing.T, code string) string {
	t.Helper()
	chunks, err := splitCell(code, 1)
	if err != nil {
		t.Fatalf("splitCell(%q): %v", code, err)
	}
	var got []string
	for _, c := range chunks {
		got = append(got, strings.TrimSuffix(c.text, "\n"+goHook+".End()"))
	}
	return strings.Join(got, "\n")
}

func TestRewriteBounds(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		// In front of the statement.
		{"var i, j, k int\nvar xs []int\ns := xs[i]", "var i, j, k int\nvar xs []int\n" + chk("xs", "i") + "/*line _.go:100003:1*/s := xs[i]"},
		// Inner index first, the right side of an assignment before the left.
		{"var i, j, k int\nvar xs, ys []int\nxs[ys[j]] = ys[k]", "var i, j, k int\nvar xs, ys []int\n" + chk("ys", "k") + chk("ys", "j") + chk("xs", "ys[j]") + "/*line _.go:100003:1*/xs[ys[j]] = ys[k]"},
		// A string, a pointer to an array.
		{"var i, j, k int\nvar s string\nvar p *[3]int\nf(s[i], p[i])", "var i, j, k int\nvar s string\nvar p *[3]int\n" + chk("s", "i") + chk("p", "i") + "/*line _.go:100004:1*/f(s[i], p[i])"},
		// After another call of the statement: the hook.
		{"var i, j, k int\nvar xs []int\nf(g(), xs[i])", "var i, j, k int\nvar xs []int\nf(g(), xs[__warren.Index(i, len(xs))])"},
		// On the right of &&, in a loop condition: the hook.
		{"var i, j, k int\nvar xs []int\nok := i < 3 && xs[i] > 0", "var i, j, k int\nvar xs []int\nok := i < 3 && xs[__warren.Index(i, len(xs))] > 0"},
		{"var i, j, k int\nvar xs []int\nfor xs[i] > 0 {\n}", "var i, j, k int\nvar xs []int\nfor xs[__warren.Index(i, len(xs))] > 0 {\n}"},
		// Cannot be out of range: unchanged.
		{"var i, j, k int\nvar xs []int\nfor i := range xs {\n\ts += xs[i]\n}", "var i, j, k int\nvar xs []int\nfor i := range xs {\n\ts += xs[i]\n}"},
		{"var i, j, k int\nvar xs []int\nfor i := 0; i < len(xs); i++ {\n\ts += xs[i]\n}", "var i, j, k int\nvar xs []int\nfor i := 0; i < len(xs); i++ {\n\ts += xs[i]\n}"},
		{"var i, j, k int\nvar a [3]int\ns := a[2]", "var i, j, k int\nvar a [3]int\ns := a[2]"},
		// … unless the loop assigns the slice.
		{"var i, j, k int\nvar xs []int\nfor i := range xs {\n\txs = nil\n\ts += xs[i]\n}", "var i, j, k int\nvar xs []int\nfor i := range xs {\n\txs = nil\n\t" + chk("xs", "i") + "/*line _.go:100005:2*/s += xs[i]\n}"},
		// Slicing: the bounds in Go's order.
		{"var i, j, k int\nvar xs []int\nys := xs[i:j]", "var i, j, k int\nvar xs []int\nif i < 0 || j < i || j > cap(xs) { panic(__warren.SliceError(\"capacity\", i, j, 0, cap(xs))) }; /*line _.go:100003:1*/ys := xs[i:j]"},
		{"var i, j, k int\nvar s string\nt := s[i:]", "var i, j, k int\nvar s string\nif i < 0 || i > len(s) { panic(__warren.SliceError(\"length\", i, len(s), 0, len(s))) }; /*line _.go:100003:1*/t := s[i:]"},
		{"var xs []int\nys := xs[1:2]", "var xs []int\nif 1 < 0 || 2 < 1 || 2 > cap(xs) { panic(__warren.SliceError(\"capacity\", 1, 2, 0, cap(xs))) }; /*line _.go:100002:1*/ys := xs[1:2]"},
		{"var s string\nt := s[:]", "var s string\nt := s[:]"},
		// A map, and an indexed call result (not copied): unchanged.
		{"var i, j, k int\nvar m map[int]int\ns := m[i]", "var i, j, k int\nvar m map[int]int\ns := m[i]"},
		{"var i int\ns := f()[i]", "var i int\ns := f()[i]"},
	} {
		if g := rewritten(t, tt.code); g != tt.want {
			t.Errorf("rewrite(%q)\n got %q\nwant %q", tt.code, g, tt.want)
		}
	}
}

// A recovered index error and an unrecovered one carry Go's message.
func TestIndexOutOfRangeMessage(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "runtime")`)
	run(t, s, `func at(xs []int, i int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(runtime.Error); ok {
				err = re
			}
		}
	}()
	return xs[i], nil
}`)
	for _, tt := range []struct{ code, want string }{
		{"fmt.Println(at([]int{1, 2, 3}, 5))", "0 runtime error: index out of range [5] with length 3\n"},
		{"fmt.Println(at([]int{1, 2, 3}, -1))", "0 runtime error: index out of range [-1]\n"},
		{"fmt.Println(at([]int{1, 2, 3}, 1))", "2 <nil>\n"},
		{"func first(s string, i uint8) (b byte, err any) {\n\tdefer func() { err = recover() }()\n\tif s[i] > 0 && s[i+1] > 0 {\n\t\tb = s[i]\n\t}\n\treturn\n}\nfmt.Println(first(\"ab\", 1))", "0 runtime error: index out of range [2] with length 2\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
	_, _, err := try(t, s, "xs := []int{1}\nj := 4\nfmt.Println(xs[j])")
	if err == nil || err.Value != "runtime error: index out of range [4] with length 1" {
		t.Errorf("unrecovered: %v", err)
	}
}

// BenchmarkIndexCheck sums 100,000 ints in a cell function three ways, the
// same work but for the check: an index that cannot be out of range (xs[i]
// in `for i := range xs`: not checked), an index checked in front of its
// statement (xs[j]), and an index checked through the hook (xs[j] on the
// right of &&).
func BenchmarkIndexCheck(b *testing.B) {
	for _, bc := range []struct{ name, body string }{
		{"unchecked", "j := n - 1 - i\n\t\tif j >= 0 && xs[i] >= 0 {\n\t\t\ts += xs[i]\n\t\t}"},
		{"statement", "j := n - 1 - i\n\t\tif j >= 0 && xs[i] >= 0 {\n\t\t\ts += xs[j]\n\t\t}"},
		{"hook", "j := n - 1 - i\n\t\tif j >= 0 && xs[j] >= 0 {\n\t\t\ts += xs[i]\n\t\t}"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newSession(b)
			run(b, s, "func sum(xs []int) int {\n\tn, s := len(xs), 0\n\tfor i := range xs {\n\t\t"+bc.body+"\n\t}\n\treturn s\n}\nvar data = make([]int, 100000)")
			for b.Loop() {
				run(b, s, "_ = sum(data)")
			}
		})
	}
}
