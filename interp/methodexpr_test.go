package interp

import (
	"strings"
	"testing"
)

func TestMethodExprRewrite(t *testing.T) {
	sigs := methodSigs("func (p P) Get() int { return 0 }\nfunc (p *P) Set(v, w int) {}\nfunc (P) Join(sep string, xs ...string) (s string, err error) { return }\nfunc (g G[T]) M() {}")
	lookup := func(k string) (methodSig, bool) { s, ok := sigs[k]; return s, ok }
	const prefix, suffix = "package p;func _(){", "\n}"
	tests := []struct{ in, want string }{
		{"f := P.Get", "f := func(__recv P) int { return __recv.Get() }"},
		{"f := (*P).Set", "f := func(__recv *P, __a0 int, __a1 int)  { __recv.Set(__a0, __a1) }"},
		{"f := P.Join", "f := func(__recv P, __a0 string, __a1 ...string) (s string, err error) { return __recv.Join(__a0, __a1...) }"},
		{"x := p.Get()", "x := p.Get()"},                             // a method call on a value
		{"func() { P := 1; _ = P }()", "func() { P := 1; _ = P }()"}, // no selector
		{"f := G[int].M", "f := G[int].M"},                           // generic: left alone
		{"f := fmt.Println", "f := fmt.Println"},
	}
	for _, tt := range tests {
		got := methodExprRewrite(prefix, tt.in, suffix, lookup)
		if i := strings.Index(got, "/*line"); i >= 0 {
			got = got[:i] + got[i+strings.Index(got[i:], "*/")+2:]
		}
		if got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestMethodExprInSession(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "strings")
type P struct{ X int }
func (p P) Get() int { return p.X }
func (p *P) Set(v int) { p.X = v }
get := P.Get
fmt.Println(get(P{5}))`)
	_, rec := run(t, s, `func (p P) Join(sep string, xs ...string) string { return fmt.Sprint(p.X) + sep + strings.Join(xs, sep) }
set := (*P).Set
pp := &P{}
set(pp, 7)
fmt.Println(pp.X, (*P).Get(pp), P.Join(P{1}, "-", "a", "b"))
getters := []func(P) int{P.Get}
fmt.Println(getters[0](P{9}))`)
	if got, want := rec.stdout(), "7 7 1-a-b\n9\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
