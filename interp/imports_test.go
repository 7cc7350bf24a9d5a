package interp

import (
	"strings"
	"testing"
)

// A program pasted into a cell imports the runtime by its module path under
// the name cells already have for it: that is the same package.
func TestImportRayByModulePath(t *testing.T) {
	s := newSession(t)
	_, out := run(t, s, "import (\n\t\"fmt\"\n\tray \"github.com/warren-go/warren/parallel\"\n)\nsq := ray.Remote(func(x int) int { return x * x })\nfmt.Println(ray.Get(sq.Remote(7)))")
	if got := out.stdout(); got != "49\n" {
		t.Fatalf("stdout = %q, want 49", got)
	}
	_, out = run(t, s, "import display \"github.com/warren-go/warren/interp/display\"\n_ = display.Text(\"x\")\nfmt.Println(\"ok\")")
	if got := out.stdout(); got != "ok\n" {
		t.Fatalf("stdout = %q, want ok", got)
	}
}

// Importing another package under a name the session already uses is an
// error that says what to do, and the session goes on.
func TestImportNameTaken(t *testing.T) {
	s := newSession(t)
	_, _, e := try(t, s, "import ray \"strings\"")
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "already names package") {
		t.Fatalf("error = %v, want a CompileError naming the taken name", e)
	}
	_, out := run(t, s, "import \"fmt\"\nfmt.Println(ray.IsInitialized() || true)")
	if got := out.stdout(); got != "true\n" {
		t.Fatalf("stdout = %q", got)
	}
}
