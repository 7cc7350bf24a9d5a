package interp

import (
	"strings"
	"testing"
)

// Inspect documents ray and display from the source embedded in the binary
// (package warren): declarations and doc comments, for functions and for
// the package itself.
func TestInspectEmbeddedDocs(t *testing.T) {
	s := newSession(t)
	cases := []struct {
		code string
		want []string
	}{
		{"ray.Remote", []string{"func Remote(", "Remote"}},
		{"ray.Get", []string{"func Get", "\n\n"}},
		{"display.HTML", []string{"func HTML(", "\n\n"}},
		{"ray", []string{"package ray", "Ray-style task runtime"}},
	}
	for _, c := range cases {
		b, ok := s.Inspect(c.code, len(c.code), 0)
		if !ok {
			t.Errorf("Inspect(%q): nothing found", c.code)
			continue
		}
		text, _ := b["text/plain"].(string)
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q) = %q, want it to contain %q", c.code, text, w)
			}
		}
	}
}

// docSource reads ray and display from the embedded source, never from a
// directory on disk (absent in a container or after go install), and the
// doc comments parse.
func TestDocSourceEmbedded(t *testing.T) {
	for _, path := range []string{"ray", "display", "github.com/warren-go/warren/parallel"} {
		fsys, dir := docSource(path)
		if fsys == nil || strings.HasPrefix(dir, "/") {
			t.Fatalf("docSource(%q) = %v, %q: want the embedded source", path, fsys, dir)
		}
		d := pkgDoc(path)
		if d == nil || d.Doc == "" {
			t.Fatalf("pkgDoc(%q) has no package doc", path)
		}
	}
	if d := pkgDoc("ray"); len(d.Funcs) == 0 {
		t.Errorf("pkgDoc(ray) documents no functions")
	}
}
