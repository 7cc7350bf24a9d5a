package interp

import (
	"strings"
	"testing"
)

// os.Exit and log.Fatal end the cell without running deferred calls, in
// every form a defer takes; the next cell defers as usual.
func TestExitRunsNoDefers(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "log"; "os")`)
	run(t, s, `type T struct{ name string }
func (t *T) Close(code int) { fmt.Println("close", t.name, code) }
func bye() { fmt.Println("bye") }`)
	for _, tt := range []struct{ name, code, evalue string }{
		{"args", "func main() {\n\tdefer fmt.Println(\"deferred\")\n\tfmt.Println(\"working\")\n\tos.Exit(3)\n}\nmain()", "os.Exit(3) called"},
		{"literal", "func f() {\n\tdefer func() { fmt.Println(\"deferred\", recover()) }()\n\tfmt.Println(\"working\")\n\tos.Exit(1)\n}\nf()", "os.Exit(1) called"},
		{"value", "func f() {\n\tdefer bye()\n\tfmt.Println(\"working\")\n\tlog.Fatal(\"boom\")\n}\nf()", "log.Fatal called: boom"},
		{"method", "func f() {\n\tt := &T{\"a\"}\n\tdefer t.Close(1)\n\tfmt.Println(\"working\")\n\tos.Exit(2)\n}\nf()", "os.Exit(2) called"},
		{"loop", "func f() {\n\tfor i := 0; i < 2; i++ {\n\t\tdefer func() { fmt.Println(\"deferred\", i) }()\n\t}\n\tfmt.Println(\"working\")\n\tos.Exit(4)\n}\nf()", "os.Exit(4) called"},
		{"caller", "func inner() { defer fmt.Println(\"inner deferred\"); os.Exit(5) }\nfunc outer() { defer fmt.Println(\"outer deferred\"); fmt.Println(\"working\"); inner() }\nouter()", "os.Exit(5) called"},
	} {
		_, out, err := try(t, s, tt.code)
		if err == nil || err.Name != "Exit" || err.Value != tt.evalue {
			t.Errorf("%s: err = %v, want Exit: %s", tt.name, err, tt.evalue)
		}
		if got := out.stdout(); got != "working\n" {
			t.Errorf("%s: stdout = %q, want only \"working\\n\"", tt.name, got)
		}
	}
	// The next cell defers as usual.
	_, out := run(t, s, "func g() {\n\tdefer bye()\n\tdefer func() { fmt.Println(\"literal\") }()\n\tdefer (&T{\"b\"}).Close(7)\n}\ng()")
	if got := out.stdout(); got != "close b 7\nliteral\nbye\n" {
		t.Errorf("after exit: stdout = %q", got)
	}
	if strings.Contains(out.stderr(), "panic") {
		t.Errorf("stderr: %s", out.stderr())
	}
}

// Failures the interpreter cannot avoid say what to write instead.
func TestInterpreterLimitHints(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "iter")`)
	run(t, s, "func sq(yield func(int) bool) {}")
	_, _, err := try(t, s, "func f() { _ = iter.Seq[int](sq) }")
	if err == nil || err.Name != "InterpreterLimit" || !strings.Contains(err.Value, "pass f itself where an iter.Seq[int] is expected") {
		t.Errorf("generic conversion: %v", err)
	}
	run(t, s, `var x = "package"`)
	_, _, err = try(t, s, "fmt.Println(x)\nx := \"main\"\nif x := 3; x > 2 {\n\tfmt.Println(\"if\", x)\n}")
	if err == nil || err.Name != "InterpreterLimit" || !strings.Contains(err.Value, "mixed up two variables of the same name") {
		t.Errorf("shadowing: %v", err)
	}
}
