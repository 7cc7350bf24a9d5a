package interp

import (
	"strings"
	"testing"
)

// A context key of a cell type with a basic underlying type is an error
// (it would collide with plain keys); a pointer key works.
func TestContextKeyOfCellBasicType(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"context\"; \"fmt\")\ntype ctxKey string\nconst userKey ctxKey = \"user\"")
	for _, code := range []string{
		"ctx := context.WithValue(context.Background(), ctxKey(\"user\"), \"alice\")",
		"x := 1\nctx2 := context.WithValue(context.Background(), userKey, \"alice\")",
	} {
		_, _, e := try(t, s, code)
		line := "line 1:"
		if strings.HasPrefix(code, "x := 1") {
			line = "line 2:"
		}
		if e == nil || !strings.Contains(e.Value, "context.WithValue with a key of type ctxKey") || !strings.HasPrefix(e.Value, line) {
			t.Errorf("%s: error = %v, want the context key error", code, e)
		}
	}
	_, out := run(t, s, "var k = new(int)\nctx3 := context.WithValue(context.Background(), k, \"alice\")\nctx3 = context.WithValue(ctx3, \"user\", \"bob\")\nfmt.Println(ctx3.Value(k), ctx3.Value(\"user\"))")
	if got := out.stdout(); got != "alice bob\n" {
		t.Fatalf("stdout = %q", got)
	}
}
