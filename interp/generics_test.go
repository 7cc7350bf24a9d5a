package interp

import "testing"

func TestTypeArgsRewrite(t *testing.T) {
	sigs := genericSigs("func Map[T, U any](xs []T, f func(T) U) []U { return nil }\nfunc Pair[K comparable, V any](m map[K]V, f func(K, V) bool) {}\nfunc One[T any](x T) T { return x }\nfunc Sum[T, A any](xs ...T) A { var a A; return a }")
	lookup := func(n string) (genericSig, bool) { s, ok := sigs[n]; return s, ok }
	const prefix, suffix = "package p;func _(){", "\n}"
	tests := []struct{ in, want string }{
		{"Map([]int{1}, func(i int) string { return \"\" })", "Map[int, string]([]int{1}, func(i int) string { return \"\" })"},
		{"Map(xs, func(i int) []float64 { return nil })", "Map[int, []float64](xs, func(i int) []float64 { return nil })"},
		{"Pair(map[string]int{}, func(k string, v int) bool { return true })", "Pair[string, int](map[string]int{}, func(k string, v int) bool { return true })"},
		{"Map(xs, f)", "Map(xs, f)"},                           // not spelled out
		{"Map[int, string](xs, f)", "Map[int, string](xs, f)"}, // explicit already
		{"One(func() {})", "One(func() {})"},                   // one type parameter: yaegi infers it
		{"Sum(1, 2)", "Sum(1, 2)"},                             // variadic
		{"Map([]int{1}, func(s string) string { return s })", "Map([]int{1}, func(s string) string { return s })"}, // conflict: T int vs string
		{"func() { Map := 1; _ = Map }()", "func() { Map := 1; _ = Map }()"},
	}
	for _, tt := range tests {
		if got := typeArgsRewrite(prefix, tt.in, suffix, lookup); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestTypeArgsInSession(t *testing.T) {
	s := newSession(t)
	run(t, s, `import "fmt"
func Map[T, U any](xs []T, f func(T) U) []U {
	var out []U
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}`)
	_, rec := run(t, s, `func halves() []float64 { return Map([]int{1, 2}, func(i int) float64 { return float64(i) / 2 }) }
fmt.Println(halves())
fmt.Println(Map([]int{1, 2}, func(i int) string { return fmt.Sprint(i * 10) }))`)
	if got, want := rec.stdout(), "[0.5 1]\n[10 20]\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	// Declared and used in one cell.
	_, rec = run(t, s, `func Keys[K comparable, V any](m map[K]V, less func(a, b K) bool) []K {
	var ks []K
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if less(ks[j], ks[i]) {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}
func sortedKeys() []string { return Keys(map[string]int{"b": 1, "a": 2}, func(a, b string) bool { return a < b }) }
fmt.Println(sortedKeys())`)
	if got, want := rec.stdout(), "[a b]\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
	// At a cell's top level too (declared, then assigned: see genericdef.go).
	_, rec = run(t, s, "ys := Map[int, string]([]int{1}, func(i int) string { return \"x\" })\nfmt.Println(ys)")
	if got, want := rec.stdout(), "[x]\n"; got != want {
		t.Errorf("printed %q, want %q", got, want)
	}
}
