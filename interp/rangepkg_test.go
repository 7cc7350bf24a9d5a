package interp

import (
	"os/exec"
	"testing"
)

// Ranges over iterators that standard-library functions return, with the
// packages imported by an earlier cell: go/types learns their types from
// the toolchain's export data.
func TestRangeOverPackageIterators(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command: package types are unknown and these ranges are errors")
	}
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"slices\"; \"strings\"; \"maps\")")
	for _, tt := range []struct{ code, want string }{
		{"for i, v := range slices.All([]string{\"a\", \"b\"}) { fmt.Println(i, v) }", "0 a\n1 b\n"},
		{"for part := range strings.SplitSeq(\"a,b,c\", \",\") { fmt.Print(part, \";\") }\nfmt.Println()", "a;b;c;\n"},
		{"m := map[string]int{\"x\": 1}\nfor k := range maps.Keys(m) { fmt.Println(k) }", "x\n"},
		{"for c := range slices.Chunk([]int{1, 2, 3, 4, 5}, 2) { fmt.Println(c) }", "[1 2]\n[3 4]\n[5]\n"},
		{"import \"iter\"\nfunc count(n int) iter.Seq[int] { return func(yield func(int) bool) { for i := 0; i < n; i++ { if !yield(i) { return } } } }\nfor i := range count(3) { if i == 2 { break }; fmt.Println(i) }", "0\n1\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// A range over the result of a function an earlier cell declared with a
// package's type in its signature (func countTo(n int) iter.Seq[int]): the
// earlier cells' declarations are checked with their imports.
func TestRangeOverEarlierCellIterator(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command: package types are unknown and these ranges are errors")
	}
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"iter\")")
	run(t, s, "func countTo(n int) iter.Seq[int] {\n\treturn func(yield func(int) bool) {\n\t\tfor i := 1; i <= n; i++ {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}")
	run(t, s, "func pairs(xs []string) iter.Seq2[int, string] {\n\treturn func(yield func(int, string) bool) {\n\t\tfor i, x := range xs {\n\t\t\tif !yield(i, x) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}")
	for _, tt := range []struct{ code, want string }{
		{"for v := range countTo(10) {\n\tif v > 3 {\n\t\tbreak\n\t}\n\tfmt.Print(v, \" \")\n}\nfmt.Println()", "1 2 3 \n"},
		{"for i, s := range pairs([]string{\"a\", \"b\"}) {\n\tfmt.Println(i, s)\n}", "0 a\n1 b\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// A range over what a function of package ray returns needs no second
// check with the real packages (ray is not among them): the cell's
// standard packages are not loaded from the toolchain for it.
func TestRangeOverRayLoadsNoPackages(t *testing.T) {
	s := newRaySession(t)
	_, out := run(t, s, `import (
	"fmt"
	"time"
)

one := ray.Remote(func() time.Duration { return time.Millisecond })
total := time.Duration(0)
for _, v := range ray.GetAll(one.Remote(), one.Remote()) {
	total += v.(time.Duration)
}
fmt.Println(total)`)
	if got := out.stdout(); got != "2ms\n" {
		t.Errorf("stdout = %q, want 2ms", got)
	}
	s.stdImp.mu.Lock()
	defer s.stdImp.mu.Unlock()
	if _, loaded := s.stdImp.cache["time"]; loaded {
		t.Errorf("the range over ray.GetAll loaded package time for go/types")
	}
}
