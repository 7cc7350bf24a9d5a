package interp

import (
	"strings"
	"testing"
)

func TestTypeNameRewrite(t *testing.T) {
	cellType := func(n string) bool { return n == "S" || n == "C" }
	const prefix, suffix = "package p;func _(){", "\n}"
	tests := []struct{ in, want string }{
		{`c := C(1); fmt.Printf("%T %v\n", c, c)`, `c := C(1); fmt.Printf("%s %v\n", __warren.TypeName("main.C", c), c)`},
		{`fmt.Sprintf("%d%%%T", 1, &S{})`, `fmt.Sprintf("%d%%%s", 1, __warren.TypeName("*main.S", &S{}))`},
		{`fmt.Fprintf(w, "%T", map[string][]S{})`, `fmt.Fprintf(w, "%s", __warren.TypeName("map[string][]main.S", map[string][]S{}))`},
		{`fmt.Printf("%T", x)`, `fmt.Printf("%T", x)`},             // type not spelled
		{`fmt.Printf("%T", 1.5)`, `fmt.Printf("%T", 1.5)`},         // not a cell type
		{`fmt.Printf("%*T", 3, S{})`, `fmt.Printf("%*T", 3, S{})`}, // a * width: left alone
		{`var i any = S{}; fmt.Printf("%T", i)`, `var i any = S{}; fmt.Printf("%T", i)`},
	}
	for _, tt := range tests {
		if got := typeNameRewrite(prefix, tt.in, suffix, cellType, nil); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

// yaegi cannot tell a cell type with a basic underlying type from that
// basic type in assertions and type switches: a compile error.
func TestNamedBasicCheck(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\nvar v any = 3\nn, isInt := v.(int)\nfmt.Println(n, isInt)")
	run(t, s, "type meters int")
	for _, code := range []string{
		"i, ok := v.(int)",
		"func f(x any) bool { _, ok := x.(meters); return ok }",
		"switch v.(type) {\ncase string:\ncase int:\n}",
		"type celsius float64\nswitch x := v.(type) {\ncase celsius:\n\t_ = x\n}",
	} {
		_, _, e := try(t, s, code)
		if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "the interpreter cannot tell") {
			t.Errorf("%s: error %v", code, e)
		}
	}
	_, rec := run(t, s, "s, isStr := v.(string)\nfmt.Println(s == \"\", isStr)")
	if got := rec.stdout(); got != "true false\n" {
		t.Errorf("printed %q", got)
	}
}
