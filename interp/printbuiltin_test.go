package interp

import (
	"bytes"
	"math"
	"testing"
)

// The builtins print and println write to the cell's stderr, formatted as
// Go's runtime formats them (Go 1.26: floats in shortest form); a user's own println is called as declared.
func TestPrintBuiltins(t *testing.T) {
	s := newSession(t)
	_, out := run(t, s, "import \"fmt\"\nx := 1.5\nprintln(\"n\", 3, true, x)\nprint(\"a\", 1, \"b\\n\")\nfmt.Println(\"out\")")
	if got, want := out.stderr(), "n 3 true 1.5\na1b\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if got := out.stdout(); got != "out\n" {
		t.Errorf("stdout = %q, want only fmt's line", got)
	}
	run(t, s, "func println(a ...any) { fmt.Println(\"mine:\", a) }")
	_, out = run(t, s, "println(1, 2)")
	if got := out.stdout(); got != "mine: [1 2]\n" {
		t.Errorf("user println: stdout = %q", got)
	}
}

func TestRuntimeFloatFormat(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{
		{1.5, "1.5"}, {-0.25, "-0.25"}, {1e100, "1e+100"}, {float32(0.1), "0.1"},
		{0.0, "0"}, {complex(1, -2), "(1-2i)"}, {math.Inf(-1), "-Inf"},
		{int8(-3), "-3"}, {uint(7), "7"}, {"s", "s"}, {nil, "(0x0,0x0)"},
	} {
		var b bytes.Buffer
		printBuiltin(&b, false, tt.v)
		if b.String() != tt.want {
			t.Errorf("print(%#v) = %q, want %q", tt.v, b.String(), tt.want)
		}
	}
}
