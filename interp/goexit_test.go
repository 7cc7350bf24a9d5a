package interp

import "testing"

// A panic recovered by a deferred call at a cell's top level ends the
// cell's statements, as it ends main in Go; that is no Goexit.
func TestTopLevelRecoverIsNotGoexit(t *testing.T) {
	s := newSession(t)
	_, out := run(t, s, "import \"fmt\"\ndefer func() { fmt.Println(\"recovered:\", recover()) }()\npanic(\"boom\")\nfmt.Println(\"not reached\")")
	if got := out.stdout(); got != "recovered: boom\n" {
		t.Fatalf("stdout = %q", got)
	}
	_, _, e := try(t, s, "import \"runtime\"\nfmt.Println(\"a\")\nruntime.Goexit()\nfmt.Println(\"b\")")
	if e == nil || e.Name != "Goexit" {
		t.Fatalf("error = %v, want Goexit", e)
	}
}
