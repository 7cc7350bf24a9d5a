package interp

import (
	"strings"
	"testing"
)

// A nil pointer of a cell type returned as an error is an InterpreterLimit
// error (Go's answer to err == nil would differ); a non-nil one works.
func TestTypedNilReturn(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\ntype myErr struct{}\nfunc (*myErr) Error() string { return \"my error\" }\nfunc mayFail(fail bool) error {\n\tvar p *myErr\n\tif fail {\n\t\tp = &myErr{}\n\t}\n\treturn p\n}")
	_, out := run(t, s, "fmt.Println(mayFail(true) == nil, mayFail(true))")
	if got := out.stdout(); got != "false my error\n" {
		t.Fatalf("stdout = %q", got)
	}
	_, _, e := try(t, s, "fmt.Println(mayFail(false) == nil)")
	if e == nil || e.Name != "InterpreterLimit" || !strings.Contains(e.Value, "a nil *myErr returned as error") {
		t.Fatalf("error = %v, want the typed-nil InterpreterLimit", e)
	}
}

// A value whose String method has a pointer receiver prints as Go prints
// it: without the method.
func TestPointerStringerPrintedAsValue(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\ntype counter struct{ n int }\nfunc (c *counter) String() string { return fmt.Sprintf(\"counter=%d\", c.n) }")
	_, out := run(t, s, "c := &counter{n: 3}\nfmt.Println(c)\nfmt.Println(*c)\nv := counter{n: 4}\nfmt.Printf(\"%v %v\\n\", v, &v)")
	if got, want := out.stdout(), "counter=3\n{3}\n{4} counter=4\n"; got != want {
		t.Fatalf("stdout = %q, want %q", got, want)
	}
}
