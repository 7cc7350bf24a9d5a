package interp

import (
	"cmp"
	"crypto/sha3"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
)

// person is the compiled twin of the cells' P.
type person struct {
	Name string
	Age  int
}

// people returns n persons with many equal ages, so that sorts hit their
// tie-breaking paths (more than 12 elements: past insertion sort).
func people(n int) []person {
	ps := make([]person, n)
	for i := range ps {
		ps[i] = person{fmt.Sprintf("p%02d", i), (i * 7919) % 5}
	}
	return ps
}

// The cells' source for people(n), kept in step with the function above.
const peopleCell = `type P struct { Name string; Age int }
type Ints []int
func people(n int) []P {
	ps := make([]P, n)
	for i := range ps {
		ps[i] = P{fmt.Sprintf("p%02d", i), (i * 7919) % 5}
	}
	return ps
}`

// stdCase is a function body run in a cell and the same code compiled.
type stdCase struct {
	name string
	body string
	want func() string
}

func TestStdGenericFunctions(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("cmp"; "fmt"; "iter"; "maps"; "math"; "slices"; "strings"; "sync")`)
	run(t, s, peopleCell)
	type Ints []int
	byAge := func(a, b person) int { return cmp.Compare(a.Age, b.Age) }
	cases := []stdCase{
		{"Sort", `a := []int{5, 2, 8, 1, 9, 3}; slices.Sort(a); b := []string{"pear", "apple", "fig"}; slices.Sort(b)
f := []float64{2.5, math.NaN(), -1, 0}; slices.Sort(f); u := []uint8{9, 3, 7}; slices.Sort(u); n := Ints{3, 1, 2}; slices.Sort(n)
fmt.Println(a, b, f, u, n)`, func() string {
			a := []int{5, 2, 8, 1, 9, 3}
			slices.Sort(a)
			b := []string{"pear", "apple", "fig"}
			slices.Sort(b)
			f := []float64{2.5, math.NaN(), -1, 0}
			slices.Sort(f)
			u := []uint8{9, 3, 7}
			slices.Sort(u)
			n := Ints{3, 1, 2}
			slices.Sort(n)
			return fmt.Sprintln(a, b, f, u, n)
		}},
		{"SortFunc", `ps := people(40); slices.SortFunc(ps, func(a, b P) int { return cmp.Compare(a.Age, b.Age) }); fmt.Println(ps)`, func() string {
			ps := people(40)
			slices.SortFunc(ps, byAge)
			return fmt.Sprintln(ps)
		}},
		{"SortStableFunc", `ps := people(40); slices.SortStableFunc(ps, func(a, b P) int { return cmp.Compare(a.Age, b.Age) }); fmt.Println(ps)`, func() string {
			ps := people(40)
			slices.SortStableFunc(ps, byAge)
			return fmt.Sprintln(ps)
		}},
		{"BinarySearch", `x := []int{1, 3, 3, 5}; i, ok := slices.BinarySearch(x, 3); j, ok2 := slices.BinarySearch(x, 4); k, ok3 := slices.BinarySearch([]string{"a", "c"}, "z")
fmt.Println(i, ok, j, ok2, k, ok3)`, func() string {
			x := []int{1, 3, 3, 5}
			i, ok := slices.BinarySearch(x, 3)
			j, ok2 := slices.BinarySearch(x, 4)
			k, ok3 := slices.BinarySearch([]string{"a", "c"}, "z")
			return fmt.Sprintln(i, ok, j, ok2, k, ok3)
		}},
		{"BinarySearchFunc", `ps := []P{{"a", 1}, {"b", 5}, {"c", 9}}; f := func(p P, age int) int { return cmp.Compare(p.Age, age) }
i, ok := slices.BinarySearchFunc(ps, 5, f); j, ok2 := slices.BinarySearchFunc(ps, 6, f); fmt.Println(i, ok, j, ok2)`, func() string {
			ps := []person{{"a", 1}, {"b", 5}, {"c", 9}}
			f := func(p person, age int) int { return cmp.Compare(p.Age, age) }
			i, ok := slices.BinarySearchFunc(ps, 5, f)
			j, ok2 := slices.BinarySearchFunc(ps, 6, f)
			return fmt.Sprintln(i, ok, j, ok2)
		}},
		{"ContainsIndex", `x := []string{"a", "b", "a"}; ps := people(6)
fmt.Println(slices.Contains(x, "b"), slices.Contains(x, "z"), slices.Index(x, "a"), slices.Index(x, "z"), slices.IndexFunc(ps, func(p P) bool { return p.Age > 2 }), slices.ContainsFunc(ps, func(p P) bool { return p.Age > 9 }))`, func() string {
			x := []string{"a", "b", "a"}
			ps := people(6)
			return fmt.Sprintln(slices.Contains(x, "b"), slices.Contains(x, "z"), slices.Index(x, "a"), slices.Index(x, "z"), slices.IndexFunc(ps, func(p person) bool { return p.Age > 2 }), slices.ContainsFunc(ps, func(p person) bool { return p.Age > 9 }))
		}},
		{"Reverse", `x := []int{1, 2, 3, 4}; slices.Reverse(x); y := []string{"a"}; slices.Reverse(y); fmt.Println(x, y)`, func() string {
			x := []int{1, 2, 3, 4}
			slices.Reverse(x)
			y := []string{"a"}
			slices.Reverse(y)
			return fmt.Sprintln(x, y)
		}},
		{"MaxMin", `f := []float64{1, math.NaN(), 3}; z := []float64{0, math.Copysign(0, -1)}
fmt.Println(slices.Max([]int{4, 9, 2}), slices.Min([]int{4, 9, 2}), slices.Max([]string{"b", "c", "a"}), slices.Max(f), slices.Min(f), math.Signbit(slices.Max(z)), math.Signbit(slices.Min(z)))
fmt.Println(slices.MaxFunc(people(9), func(a, b P) int { return cmp.Compare(a.Age, b.Age) }), slices.MinFunc(people(9), func(a, b P) int { return cmp.Compare(a.Age, b.Age) }))
defer func() { fmt.Println(recover()) }(); slices.Max([]int{})`, func() (out string) {
			f := []float64{1, math.NaN(), 3}
			z := []float64{0, math.Copysign(0, -1)}
			out = fmt.Sprintln(slices.Max([]int{4, 9, 2}), slices.Min([]int{4, 9, 2}), slices.Max([]string{"b", "c", "a"}), slices.Max(f), slices.Min(f), math.Signbit(slices.Max(z)), math.Signbit(slices.Min(z)))
			out += fmt.Sprintln(slices.MaxFunc(people(9), byAge), slices.MinFunc(people(9), byAge))
			defer func() { out += fmt.Sprintln(recover()) }()
			_ = slices.Max([]int{})
			return out
		}},
		{"Equal", `fmt.Println(slices.Equal([]int{1, 2}, []int{1, 2}), slices.Equal([]int{1}, []int{1, 2}), slices.Equal([]int{}, nil), slices.Equal([]float64{math.NaN()}, []float64{math.NaN()}))`, func() string {
			return fmt.Sprintln(slices.Equal([]int{1, 2}, []int{1, 2}), slices.Equal([]int{1}, []int{1, 2}), slices.Equal([]int{}, nil), slices.Equal([]float64{math.NaN()}, []float64{math.NaN()}))
		}},
		{"Compact", `s := []int{1, 1, 2, 3, 3, 3, 1}; c := slices.Compact(s); fmt.Println(c, len(c), s)`, func() string {
			s := []int{1, 1, 2, 3, 3, 3, 1}
			c := slices.Compact(s)
			return fmt.Sprintln(c, len(c), s)
		}},
		{"Insert", `s := make([]int, 3, 10); s[0], s[1], s[2] = 1, 2, 3; r := slices.Insert(s, 1, 8, 9); fmt.Println(r, s, s[:5])
g := []string{"a", "b"}; h := slices.Insert(g, 1, "x"); h[0] = "changed"; fmt.Println(g, h, slices.Insert([]int{1}, 1, 2, 3))`, func() string {
			s := make([]int, 3, 10)
			s[0], s[1], s[2] = 1, 2, 3
			r := slices.Insert(s, 1, 8, 9)
			out := fmt.Sprintln(r, s, s[:5])
			g := []string{"a", "b"}
			h := slices.Insert(g, 1, "x")
			h[0] = "changed"
			return out + fmt.Sprintln(g, h, slices.Insert([]int{1}, 1, 2, 3))
		}},
		{"Delete", `s := []int{0, 1, 2, 3, 4}; d := slices.Delete(s, 1, 3); fmt.Println(d, s, slices.Delete([]int{1}, 0, 0))
defer func() { fmt.Println(recover() != nil) }(); slices.Delete([]int{1}, 0, 2)`, func() (out string) {
			s := []int{0, 1, 2, 3, 4}
			d := slices.Delete(s, 1, 3)
			out = fmt.Sprintln(d, s, slices.Delete([]int{1}, 0, 0))
			defer func() { out += fmt.Sprintln(recover() != nil) }()
			_ = slices.Delete([]int{1}, 0, 2)
			return out
		}},
		{"Replace", `s := make([]int, 5, 6); for i := range s { s[i] = i }; r := slices.Replace(s, 1, 4, 9); fmt.Println(r, s, cap(r))
t := []int{0, 1, 2}; u := slices.Replace(t, 1, 2, 7, 8, 9); fmt.Println(u, t, len(u)); fmt.Println(slices.Replace([]int{1, 2}, 1, 1, 5))`, func() string {
			s := make([]int, 5, 6)
			for i := range s {
				s[i] = i
			}
			r := slices.Replace(s, 1, 4, 9)
			out := fmt.Sprintln(r, s, cap(r))
			t := []int{0, 1, 2}
			u := slices.Replace(t, 1, 2, 7, 8, 9)
			out += fmt.Sprintln(u, t, len(u))
			return out + fmt.Sprintln(slices.Replace([]int{1, 2}, 1, 1, 5))
		}},
		{"More", `g := slices.Grow([]int{1}, 10); fmt.Println(len(g), cap(g) >= 11, cap(slices.Clip(g)), slices.Concat([]int{1}, nil, []int{2, 3}), slices.Concat([]int(nil), nil) == nil, slices.Repeat([]string{"a", "b"}, 2))
fmt.Println(slices.IsSorted([]int{1, 2, 2}), slices.IsSorted([]int{2, 1}), slices.Compare([]int{1, 2}, []int{1, 3}), slices.Compare([]int{1}, []int{1}), slices.CompactFunc([]string{"a", "A", "b"}, strings.EqualFold))
fmt.Println(slices.EqualFunc([]int{1, 2}, []int{2, 4}, func(a, b int) bool { return a*2 == b }), slices.ContainsFunc([]int{1}, func(v int) bool { return v > 0 }), slices.DeleteFunc([]int{1, 2, 3, 4}, func(v int) bool { return v%2 == 0 }))
slices.Backward([]int{1, 2, 3})(func(i, v int) bool { fmt.Println(i, v); return true })
slices.Chunk([]int{1, 2, 3, 4, 5}, 2)(func(c []int) bool { fmt.Println(c, cap(c)); return true })
fmt.Println(slices.SortedFunc(slices.Values([]int{1, 3, 2}), func(a, b int) int { return b - a }), slices.AppendSeq([]int{0}, slices.Values([]int{1})))`, func() string {
			g := slices.Grow([]int{1}, 10)
			out := fmt.Sprintln(len(g), cap(g) >= 11, cap(slices.Clip(g)), slices.Concat([]int{1}, nil, []int{2, 3}), slices.Concat([]int(nil), nil) == nil, slices.Repeat([]string{"a", "b"}, 2))
			out += fmt.Sprintln(slices.IsSorted([]int{1, 2, 2}), slices.IsSorted([]int{2, 1}), slices.Compare([]int{1, 2}, []int{1, 3}), slices.Compare([]int{1}, []int{1}), slices.CompactFunc([]string{"a", "A", "b"}, strings.EqualFold))
			out += fmt.Sprintln(slices.EqualFunc([]int{1, 2}, []int{2, 4}, func(a, b int) bool { return a*2 == b }), slices.ContainsFunc([]int{1}, func(v int) bool { return v > 0 }), slices.DeleteFunc([]int{1, 2, 3, 4}, func(v int) bool { return v%2 == 0 }))
			for i, v := range slices.Backward([]int{1, 2, 3}) {
				out += fmt.Sprintln(i, v)
			}
			for c := range slices.Chunk([]int{1, 2, 3, 4, 5}, 2) {
				out += fmt.Sprintln(c, cap(c))
			}
			return out + fmt.Sprintln(slices.SortedFunc(slices.Values([]int{1, 3, 2}), func(a, b int) int { return b - a }), slices.AppendSeq([]int{0}, slices.Values([]int{1})))
		}},
		{"Clone", `s := []int{1, 2}; c := slices.Clone(s); c[0] = 9; fmt.Println(s, c, slices.Clone([]int(nil)) == nil, slices.Clone([]int{}) == nil)`, func() string {
			s := []int{1, 2}
			c := slices.Clone(s)
			c[0] = 9
			return fmt.Sprintln(s, c, slices.Clone([]int(nil)) == nil, slices.Clone([]int{}) == nil)
		}},
		{"SeqFunctions", `m := map[string]int{"b": 2, "a": 1, "c": 3}
fmt.Println(slices.Sorted(maps.Keys(m)), slices.Sorted(maps.Values(m)), slices.Collect(slices.Values([]int{7, 8})), slices.Collect(slices.Values([]int{})) == nil)
slices.All([]string{"x", "y"})(func(i int, v string) bool { fmt.Println(i, v); return true })
slices.Values([]int{1, 2, 3})(func(v int) bool { fmt.Println(v); return v < 2 })`, func() string {
			m := map[string]int{"b": 2, "a": 1, "c": 3}
			out := fmt.Sprintln(slices.Sorted(maps.Keys(m)), slices.Sorted(maps.Values(m)), slices.Collect(slices.Values([]int{7, 8})), slices.Collect(slices.Values([]int{})) == nil)
			for i, v := range slices.All([]string{"x", "y"}) {
				out += fmt.Sprintln(i, v)
			}
			for v := range slices.Values([]int{1, 2, 3}) {
				out += fmt.Sprintln(v)
				if v >= 2 {
					break
				}
			}
			return out
		}},
		{"Maps", `m := map[string]int{"a": 1, "b": 2}; c := maps.Clone(m); c["z"] = 26; maps.Copy(c, map[string]int{"a": 10})
maps.DeleteFunc(c, func(k string, v int) bool { return v == 2 }); var nilMap map[string]int
fmt.Println(m, c, maps.Clone(nilMap) == nil, maps.Collect(maps.All(m)), maps.Equal(m, maps.Clone(m)))`, func() string {
			m := map[string]int{"a": 1, "b": 2}
			c := maps.Clone(m)
			c["z"] = 26
			maps.Copy(c, map[string]int{"a": 10})
			maps.DeleteFunc(c, func(k string, v int) bool { return v == 2 })
			var nilMap map[string]int
			return fmt.Sprintln(m, c, maps.Clone(nilMap) == nil, maps.Collect(maps.All(m)), maps.Equal(m, maps.Clone(m)))
		}},
		{"Cmp", `fmt.Println(cmp.Compare(1, 2), cmp.Compare("b", "a"), cmp.Compare(math.NaN(), 1.0), cmp.Compare(math.NaN(), math.NaN()), cmp.Less(1.5, 2.5), cmp.Less(math.NaN(), -1.0), cmp.Or(0, 0, 3), cmp.Or("", "x", "y"), cmp.Or(0, 0))`, func() string {
			return fmt.Sprintln(cmp.Compare(1, 2), cmp.Compare("b", "a"), cmp.Compare(math.NaN(), 1.0), cmp.Compare(math.NaN(), math.NaN()), cmp.Less(1.5, 2.5), cmp.Less(math.NaN(), -1.0), cmp.Or(0, 0, 3), cmp.Or("", "x", "y"), cmp.Or(0, 0))
		}},
		{"IterTypes", `v := slices.Values([]int{4, 5}); a := slices.All([]string{"q"}); var s iter.Seq[int] = v; var s2 iter.Seq2[int, string] = a
fmt.Println(slices.Collect(s)); s2(func(i int, v string) bool { fmt.Println(i, v); return true })`, func() string {
			var s = slices.Values([]int{4, 5})
			var s2 = slices.All([]string{"q"})
			out := fmt.Sprintln(slices.Collect(s))
			for i, v := range s2 {
				out += fmt.Sprintln(i, v)
			}
			return out
		}},
		{"Once", `n := 0; f := sync.OnceFunc(func() { n++ }); f(); f()
v := sync.OnceValue(func() int { n += 10; return n }); a := sync.OnceValues(func() (string, error) { n += 100; return "ok", nil })
fmt.Println(v(), v(), n); fmt.Println(a()); fmt.Println(a()); fmt.Println(n)
p := sync.OnceValue(func() int { panic("boom") })
try := func() { defer func() { fmt.Println("recovered", recover()) }(); p() }; try(); try()`, func() string {
			n := 0
			f := sync.OnceFunc(func() { n++ })
			f()
			f()
			v := sync.OnceValue(func() int { n += 10; return n })
			a := sync.OnceValues(func() (string, error) { n += 100; return "ok", nil })
			out := fmt.Sprintln(v(), v(), n)
			out += fmt.Sprintln(a())
			out += fmt.Sprintln(a())
			out += fmt.Sprintln(n)
			p := sync.OnceValue(func() int { panic("boom") })
			try := func() {
				defer func() { out += fmt.Sprintln("recovered", recover()) }()
				p()
			}
			try()
			try()
			return out
		}},
		{"StringsSeq", `strings.Lines("a\nb\nc")(func(l string) bool { fmt.Printf("%q\n", l); return true })
strings.SplitSeq("x,y", ",")(func(p string) bool { fmt.Println(p); return true })
strings.FieldsSeq("  u  v ")(func(p string) bool { fmt.Println(p); return true })`, func() string {
			var out string
			for l := range strings.Lines("a\nb\nc") {
				out += fmt.Sprintf("%q\n", l)
			}
			for p := range strings.SplitSeq("x,y", ",") {
				out += fmt.Sprintln(p)
			}
			for p := range strings.FieldsSeq("  u  v ") {
				out += fmt.Sprintln(p)
			}
			return out
		}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fn := fmt.Sprintf("stdCase%d", i)
			_, rec := run(t, s, fmt.Sprintf("func %s() {\n%s\n}\n%s()", fn, c.body, fn))
			if got, want := rec.stdout(), c.want(); got != want {
				t.Errorf("cell printed\n%s\ncompiled Go prints\n%s", got, want)
			}
		})
	}
}

// TestStdGenericTopLevel runs the generic functions at a cell's top level,
// where yaegi v0.16.1 compiles a generic call used as a statement, as an
// argument or assigned to a declared variable, but not one whose result
// defines a variable: that must be an error, never a wrong value.
func TestStdGenericTopLevel(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "maps"; "slices"; "sync")`)
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	a := []int{5, 2, 8}
	run(t, s, `m := map[string]int{"b": 2, "a": 1, "c": 3}
a := []int{5, 2, 8}`)

	_, rec := run(t, s, "slices.Sort(a)\nfmt.Println(a)")
	slices.Sort(a)
	if got, want := rec.stdout(), fmt.Sprintln(a); got != want {
		t.Errorf("Sort: got %q, want %q", got, want)
	}
	_, rec = run(t, s, "fmt.Println(slices.Sorted(maps.Keys(m)), slices.Max(a), slices.Index(a, 8))")
	if got, want := rec.stdout(), fmt.Sprintln(slices.Sorted(maps.Keys(m)), slices.Max(a), slices.Index(a, 8)); got != want {
		t.Errorf("arguments: got %q, want %q", got, want)
	}
	_, rec = run(t, s, "var keys []string\nkeys = slices.Sorted(maps.Keys(m))\nfmt.Println(keys)")
	if got, want := rec.stdout(), fmt.Sprintln(slices.Sorted(maps.Keys(m))); got != want {
		t.Errorf("assignment: got %q, want %q", got, want)
	}

	defines := []struct{ cell, want string }{
		{"k := slices.Sorted(maps.Keys(m))\nfmt.Println(k)", fmt.Sprintln(slices.Sorted(maps.Keys(m)))},
		{"mx := slices.Max(a)\nfmt.Println(mx)", fmt.Sprintln(slices.Max(a))},
		{"get := sync.OnceValue(func() int { return 42 })\nfmt.Println(get())", fmt.Sprintln(sync.OnceValue(func() int { return 42 })())},
	}
	for _, d := range defines {
		_, rec, err := try(t, s, d.cell)
		if err == nil && rec.stdout() != d.want {
			t.Errorf("cell %q printed %q, want %q or an error", d.cell, rec.stdout(), d.want)
		}
	}
}

// TestStdPackagesAfterGo122 imports packages and uses functions added to
// the standard library after Go 1.22, which yaegi v0.16.1's tables lack.
func TestStdPackagesAfterGo122(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("crypto/sha3"; "fmt"; "iter"; "strings"; "unique"; "weak")`)
	_, rec := run(t, s, `fmt.Printf("%x\n", sha3.Sum256([]byte("warren")))`)
	if got, want := rec.stdout(), fmt.Sprintf("%x\n", sha3.Sum256([]byte("warren"))); got != want {
		t.Errorf("sha3: got %q, want %q", got, want)
	}
	_, rec = run(t, s, `var lines iter.Seq[string] = strings.Lines("x\ny")
lines(func(l string) bool { fmt.Printf("%q ", l); return true })`)
	if got, want := rec.stdout(), `"x\n" "y" `; got != want {
		t.Errorf("strings.Lines: got %q, want %q", got, want)
	}
	// unique and weak import; their API is generic and compiled, so it is
	// not available to cells (a clear compile error).
	_, _, err := try(t, s, `h := unique.Make("a")`)
	if err == nil || !strings.Contains(err.Value, "Make") {
		t.Errorf("unique.Make: got %v, want an error naming Make", err)
	}
}

// TestStdGenericLimits checks that the call forms the interpreted generics
// cannot serve fail to compile rather than run wrongly.
func TestStdGenericLimits(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("cmp"; "fmt"; "slices"; "strings")`)
	run(t, s, "type Ints []int\nfunc (n Ints) Sum() int { t := 0; for _, v := range n { t += v }; return t }")
	for _, cell := range []string{
		// A named slice type comes back as []E, without its methods.
		"func limit1() int { return slices.Clone(Ints{1, 2}).Sum() }",
		// cmp.Or with a spread slice.
		"func limit2() int { vals := []int{0, 2}; return cmp.Or(vals...) }",
		// slices.Concat with a spread slice of slices.
		"func limit4() []int { lists := [][]int{{1}, {2}}; return slices.Concat(lists...) }",
		// A generic function fed an iterator of compiled code.
		`func limit3() []string { return slices.Collect(strings.SplitSeq("a,b", ",")) }`,
		// Packages left out of the tables.
		`import "os/exec"`,
	} {
		if _, _, err := try(t, s, cell); err == nil {
			t.Errorf("cell %q compiled", cell)
		}
	}
	// The range or yield form of a compiled iterator works.
	_, rec := run(t, s, `strings.SplitSeq("a,b", ",")(func(p string) bool { fmt.Println(p); return true })`)
	if got, want := rec.stdout(), "a\nb\n"; got != want {
		t.Errorf("SplitSeq: got %q, want %q", got, want)
	}
}

// TestStdGenericsIgnoreCellGenerics checks that a cell's own generic
// functions named like the ones the interpreted packages would use
// internally (yaegi caches generic instances by bare name and type
// arguments) do not change what the standard functions compute, and that
// cmp.Compare and slices.Compare, instantiated with the same type
// argument, both work.
func TestStdGenericsIgnoreCellGenerics(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("cmp"; "fmt"; "slices")`)
	run(t, s, `func Less[T cmp.Ordered](a, b T) bool { return a > b }
func Index[E comparable](s []E, v E) int { return -7 }
func AppendSeq[E any](s []E, seq func(func(E) bool)) []E { return nil }`)
	_, rec := run(t, s, `func mine() { fmt.Println(Less(1, 2), Index([]int{1}, 1), AppendSeq([]int{1}, nil) == nil) }
mine()`)
	if got, want := rec.stdout(), "false -7 true\n"; got != want {
		t.Fatalf("the cell's own generics: got %q, want %q", got, want)
	}
	_, rec = run(t, s, `func std() {
	x := []int8{3, 1, 2}; slices.Sort(x)
	i, ok := slices.BinarySearch([]int{1, 3, 5}, 3)
	fmt.Println(x, i, ok, slices.Contains([]int{1, 2}, 2), slices.IsSorted([]int{1, 2}), slices.Collect(slices.Values([]int{4})))
	fmt.Println(cmp.Compare(1, 2), slices.Compare([]int{1, 2}, []int{1, 3}), cmp.Compare(2, 1))
}
std()`)
	x := []int8{3, 1, 2}
	slices.Sort(x)
	i, ok := slices.BinarySearch([]int{1, 3, 5}, 3)
	want := fmt.Sprintln(x, i, ok, slices.Contains([]int{1, 2}, 2), slices.IsSorted([]int{1, 2}), slices.Collect(slices.Values([]int{4}))) +
		fmt.Sprintln(cmp.Compare(1, 2), slices.Compare([]int{1, 2}, []int{1, 3}), cmp.Compare(2, 1))
	if got := rec.stdout(); got != want {
		t.Errorf("standard functions: got\n%s\nwant\n%s", got, want)
	}
}
