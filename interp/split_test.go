package interp

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSplitCell(t *testing.T) {
	tests := []struct {
		name, code string
		kinds      []string
		trailing   bool
	}{
		{"imports then statements", "import \"fmt\"\nfmt.Println(1)", []string{"import", "stmt"}, true},
		{"mixed in source order", "x := 1\nfunc f() int { return x }\ntype T struct{}\ny := f()\nimport \"os\"\nos.Getpid()",
			[]string{"stmt", "decl", "stmt", "import", "stmt"}, true},
		{"var with a value runs as a statement", "var a = 3\nconst b = 2", []string{"stmt", "decl"}, false},
		{"var without a value is a declaration", "var a int\nvar (\n\tb = 1\n)", []string{"decl", "stmt"}, false},
		{"method declaration", "func (t T) M() int { return 1 }", []string{"decl"}, false},
		{"func literal call is a statement", "func() { println(1) }()", []string{"stmt"}, true},
		{"func literal with result", "func() int { return 1 }()", []string{"stmt"}, true},
		{"statement ending", "x := 1", []string{"stmt"}, false},
		{"grouped imports", "import (\n\t\"fmt\"\n\t\"os\"\n)\n", []string{"import"}, false},
		{"empty", "  \n// only a comment\n", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks, err := splitCell(tt.code, 1)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			trailing := false
			for _, c := range chunks {
				kinds = append(kinds, c.kind.String())
				trailing = trailing || c.trailing
			}
			if !reflect.DeepEqual(kinds, tt.kinds) {
				t.Errorf("kinds = %v, want %v", kinds, tt.kinds)
			}
			if trailing != tt.trailing {
				t.Errorf("trailing = %v, want %v", trailing, tt.trailing)
			}
		})
	}
}

func TestSplitPositions(t *testing.T) {
	chunks, err := splitCell("import \"fmt\"\n\nfunc f() {}\n\n  x := 1\n  fmt.Println(x)", 7)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]int{{1, 1}, {3, 1}, {5, 3}}
	for i, c := range chunks {
		if c.line != want[i][0] || c.col != want[i][1] {
			t.Errorf("chunk %d at %d:%d, want %v", i, c.line, c.col, want[i])
		}
	}
	if got := chunks[2].directive(7); got != "/*line _.go:700005:3*/" {
		t.Errorf("directive = %q", got)
	}
}

func TestMapPositions(t *testing.T) {
	c := &cell{n: 4, lines: 3}
	tests := []struct{ in, want string }{
		{"400002:5: undefined: y", "line 2:5: undefined: y"},
		{"_.go:400003:1: expected operand", "line 3:1: expected operand"},
		{"400009:1: expected '}'", "line 3:end: expected '}'"},
		{"200006:5: panic", "cell[2] line 6:5: panic"},
		{"1:28: panic", "1:28: panic"},
	}
	for _, tt := range tests {
		if got, _ := mapPositions(tt.in, c); got != tt.want {
			t.Errorf("mapPositions(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestIsComplete(t *testing.T) {
	tests := []struct{ code, status, indent string }{
		{"x := 1", "complete", ""},
		{"fmt.Println(\"hi\")", "complete", ""},
		{"func f() {", "incomplete", "    "},
		{"func f() {\n\tif true {", "incomplete", "        "},
		{"x := []int{1,\n", "incomplete", "    "},
		{"s := `raw\nstill", "incomplete", ""},
		{"/* comment", "incomplete", ""},
		{"x := 1 +", "incomplete", ""},
		{"}", "invalid", ""},
		{"f(1))", "invalid", ""},
		{"x := [1}", "invalid", ""},
		{"s := \"unterminated\n", "invalid", ""},
		{"", "complete", ""},
	}
	for _, tt := range tests {
		status, indent := IsComplete(tt.code)
		if status != tt.status || indent != tt.indent {
			t.Errorf("IsComplete(%q) = %q, %q; want %q, %q", tt.code, status, indent, tt.status, tt.indent)
		}
	}
}

func TestRemoteTaskNames(t *testing.T) {
	// ray.Remote's argument is also wrapped in the Ship hook (shiprewrite.go).
	// col is where the argument starts on line 1 of cell 1.
	lit := func(col int, text string) string {
		return fmt.Sprintf("%s.Ship(%q, /*line _.go:100001:%d*/%s)", goHook, "lit:"+litName(text), col, text)
	}
	name := func(col int, n string) string {
		return fmt.Sprintf("%s.Ship(%q, /*line _.go:100001:%d*/%s)", goHook, n, col, n)
	}
	tests := []struct{ code, want string }{
		{"slow := ray.Remote(func(i int) int { return i })", `slow := ray.Remote(` + lit(20, "func(i int) int { return i }") + `).Options(ray.TaskName("slow"))`},
		{"var load = ray.Remote(loadData)", `var load = ray.Remote(` + name(23, "loadData") + `).Options(ray.TaskName("loadData"))`},
		{"refs = append(refs, ray.Remote(work).Remote(1))", `refs = append(refs, ray.Remote(` + name(32, "work") + `).Options(ray.TaskName("work")).Remote(1))`},
		{"a, b := ray.Remote(f), ray.Remote(func() {})", `a, b := ray.Remote(` + name(20, "f") + `).Options(ray.TaskName("f")), ray.Remote(` + lit(35, "func() {}") + `).Options(ray.TaskName("b"))`},
		{"outer := ray.Remote(func() { inner := ray.Remote(g); _ = inner })", `outer := ray.Remote(` + fmt.Sprintf("%s.Ship(%q, /*line _.go:100001:21*/", goHook, "lit:"+litName("func() { inner := ray.Remote(g); _ = inner }")) + `func() { inner := ray.Remote(` + name(50, "g") + `).Options(ray.TaskName("g")); _ = inner })).Options(ray.TaskName("outer"))`},
		{"x := ray.Remote(func() {}).Options(ray.TaskName(\"mine\"))", `x := ray.Remote(` + lit(17, "func() {}") + `).Options(ray.TaskName("x")).Options(ray.TaskName("mine"))`},
		{"y := ray.Remote(func() {}).Options(ray.TaskCPUs(2))", `y := ray.Remote(` + lit(17, "func() {}") + `).Options(ray.TaskName("y")).Options(ray.TaskCPUs(2))`},
		{"x := other.Remote(f)", "x := other.Remote(f)"}, // maybe an actor's call, but f's type is not known here: not renamed, not wrapped
		{"r := f.Remote(1)", "r := f.Remote(1)"},
		{"_ = ray.Remote(func() {})", "_ = ray.Remote(" + lit(16, "func() {}") + ")"},
	}
	checkRewrites(t, tests)
}

func TestScopeEdits(t *testing.T) {
	tests := []struct{ code, want string }{
		{"for _, s := range xs {\n\tn, err := f(s)\n}", "func() { for _, s := range xs {\n\tn, err := f(s)\n} }()"},
		{"if _, ok := m[k]; ok {\n}", "func() { if _, ok := m[k]; ok {\n} }()"},
		{"L:\nfor {\n\ta, b := g()\n}", "func() { L:\nfor {\n\ta, b := g()\n} }()"},
		{"for i := 0; i < 3; i++ {\n\tx += i\n}", "for i := 0; i < 3; i++ {\n\tx += i\n}"},
		{"for i := 0; i < 3; i++ {\n\ti := i\n}", "func() { for i := 0; i < 3; i++ {\n\ti := i\n} }()"},
		{"if x > 0 {\n} else {\n\tvar y int\n\t_ = y\n}", "func() { if x > 0 {\n} else {\n\tvar y int\n\t_ = y\n} }()"},
		{"for _, s := range xs {\n\tfor j := range s {\n\t\tx += j\n\t}\n}", "func() { for _, s := range xs {\n\tfor j := range s {\n\t\tx += j\n\t}\n} }()"},
		{"for _, s := range xs {\n\tx += len(s)\n}", "for _, s := range xs {\n\tx += len(s)\n}"},
		{"for i := range xs {\n\tfs = append(fs, func() { a, b := g(); _, _ = a, b })\n}", "func() { for i := range xs {__wv2_i := i; __wc2 := func() int { i := __wv2_i; _ = i; { \n\tfs = append(fs, func() { a, b := g(); _, _ = a, b })\n}; return 0 }(); if __wc2 == 1 { break }; } }()"},
		{"a, b := g()", "a, b := g()"},
	}
	checkRewrites(t, tests)
}

// checkRewrites splits each one-chunk cell and compares the chunk's
// rewritten text.
func checkRewrites(t *testing.T, tests []struct{ code, want string }) {
	t.Helper()
	for _, tt := range tests {
		chunks, err := splitCell(tt.code, 1)
		if err != nil || len(chunks) != 1 {
			t.Fatalf("splitCell(%q) = %v, %v", tt.code, chunks, err)
		}
		if got := strings.TrimSuffix(chunks[0].text, "\n"+goHook+".End()"); got != tt.want {
			t.Errorf("rewrite(%q)\n got %q\nwant %q", tt.code, got, tt.want)
		}
	}
}
