package interp

import "testing"

// A variable defined at a cell's top level by a generic call, the standard
// library's or a cell's own, gets the call's value.
func TestTopLevelGenericDefinitions(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"slices\"; \"maps\"; \"sync\")\nfunc First[T any](xs []T) T { return xs[0] }")
	for _, tt := range []struct{ code, want string }{
		{"m := map[string]int{\"b\": 2, \"a\": 1}\nkeys := slices.Sorted(maps.Keys(m))\nfmt.Println(keys)", "[a b]\n"},
		{"f := First([]string{\"x\", \"y\"})\nfmt.Println(f)", "x\n"},
		{"get := sync.OnceValue(func() int { return 7 })\nfmt.Println(get(), get())", "7 7\n"},
		{"c := maps.Clone(map[string]int{\"k\": 1})\nfmt.Println(c)", "map[k:1]\n"},
		{"func Id[T any](x T) T { return x }\nv := Id[int](3)\nfmt.Println(v)", "3\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
}
