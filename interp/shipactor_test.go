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
		{code: `r := a.Remote(func(s *C, k int) int { return s.n + k }, 5)`, want: []string{`a.Remote(__warren.Ship("lit:` + shipPrefix, `}).(func(s *C, k int) int), 5)`}, lits: 1},
		{code: `r := a.Remote(incr, 5)`, want: []string{`a.Remote(__warren.Ship("incr", `, `incr).(func(c *C, k int) int), 5)`}},
		{code: `if k := 1; k > 0 {
	r := a.Remote(func(s *C) int { return s.n + k })
}`, want: []string{`uses k of the code around it`}},
		// A variable of the chunk's top level is the session's: its value
		// travels (shipvar.go).
		{code: `k := 1
r := a.Remote(func(s *C) int { return s.n + k })`, want: []string{`a.Remote(__warren.Ship("lit:` + shipPrefix}, lits: 1},
		{code: `r := f.Remote(args...)`, plain: true},
		// Arguments of a type the rewrite cannot know: x may be a value
		// of the user's own type with a method Remote(int), say.
		{code: `r := a.Remote((*C).Incr)`, plain: true},
		{code: `r := x.Remote(k)`, plain: true},
		{code: `k := 5
r := x.Remote(k)`, plain: true},
		{code: `r := a.Remote(strings.ToUpper)`, plain: true},
	} {
		funcSig := func(name string) (string, bool) {
			if name == "incr" {
				return "func(c *C, k int) int", true
			}
			return "", false
		}
		out, lits := shipRewrite("package p;func _(){", c.code, "\n}", true, funcSig)
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

// A method Remote of the user's own type takes its arguments as they are:
// the ship rewrite wraps x.Remote's argument only where it knows its type
// and asserts it back to that type.
func TestRemoteMethodOfCellType(t *testing.T) {
	s := newSession(t)
	run(t, s, `import "fmt"
type Svc struct{ base int }
func (s Svc) Remote(n int) int { return s.base + n }
func (s Svc) Call(f func(int) int, n int) int { return f(n) + s.base }
func double(x int) int { return 2 * x }`)
	_, rec := run(t, s, `s := Svc{10}
k := 5
func triple(x int) int { return 3 * x }
fmt.Println(s.Remote(k), s.Remote(1), s.Call(double, 2), s.Call(triple, 2), s.Call(func(x int) int { return -x }, 1))`)
	if got, want := rec.stdout(), "15 11 14 16 9\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
}
