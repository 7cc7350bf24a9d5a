package interp

import (
	"strings"
	"testing"
)

// The ship rewrite names the constructor given to ray.NewActor and the
// function of an actor's call, and leaves a spread argument list alone.
func TestShipRewriteActors(t *testing.T) {
	for _, c := range []struct {
		code  string
		want  []string // in the rewritten text
		lits  int
		plain bool // unchanged
	}{
		{code: `a := ray.NewActor(func() *C { return &C{} }, ray.MaxConcurrency(2))`, want: []string{`ray.NewActor(__warren.Ship("lit:` + shipPrefix}, lits: 1},
		{code: `r := a.Remote(func(s *C, k int) int { return s.n + k }, 5)`, want: []string{`a.Remote(__warren.Ship("lit:` + shipPrefix, `}), 5)`}, lits: 1},
		{code: `r := a.Remote(incr, 5)`, want: []string{`a.Remote(__warren.Ship("incr", `}},
		{code: `k := 1
r := a.Remote(func(s *C) int { return s.n + k })`, want: []string{`uses k of the code around it`}},
		{code: `r := f.Remote(args...)`, plain: true},
		{code: `r := a.Remote((*C).Incr)`, want: []string{`is a method value or a field`}},
	} {
		out, lits := shipRewrite("package p;func _(){", c.code, "\n}", true)
		if c.plain {
			if out != c.code {
				t.Errorf("%s: rewritten to %s", c.code, out)
			}
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: rewritten to %s, want %q in it", c.code, out, w)
			}
		}
		if len(lits) != c.lits {
			t.Errorf("%s: %d literals lifted, want %d", c.code, len(lits), c.lits)
		}
	}
}
