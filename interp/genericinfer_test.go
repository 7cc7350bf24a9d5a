package interp

import (
	"strings"
	"testing"
)

// Inferred type arguments are written into calls of the cells' generic
// functions.
func TestRewriteInferredTypeArgs(t *testing.T) {
	chunks, err := splitCell("type celsius float64\nfunc Sum[T ~int | ~float64](xs ...T) T { var s T; for _, x := range xs { s += x }; return s }\nfunc Pair[K comparable, V any](k K, v V) map[K]V { return map[K]V{k: v} }\na := Sum(1, 2)\nb := Sum[celsius](1.5)\nc := Pair(\"x\", []celsius{a})\nf := func() { type loc int; _ = Sum(loc(1)) }", 1)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, c := range chunks {
		all = append(all, c.text)
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{
		"__warren_g_Sum[int]/*line _.go:100004:9*/(1, 2)",            // inferred
		"__warren_g_Sum/*line _.go:100005:9*/[celsius](1.5)",         // explicit: unchanged
		"__warren_g_Pair[string, []celsius]/*line _.go:100006:10*/(", // two, one a cell type
		"__warren_g_Sum/*line _.go:100007:36*/(loc(1))",              // a local type: left alone
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten cell lacks %q:\n%s", want, got)
		}
	}
}

// Generic calls whose type arguments yaegi could not infer: several type
// parameters, a variadic ...T, an argument of a package's type, a call
// across cells.
func TestInferredTypeArgs(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "strconv")`)
	run(t, s, `func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
type Number interface{ ~int | ~int64 | ~float64 }
func Sum[T Number](xs ...T) T {
	var s T
	for _, x := range xs {
		s += x
	}
	return s
}
type celsius float64`)
	for _, tt := range []struct{ code, want string }{
		{"fmt.Println(Map([]int{1, 2}, strconv.Itoa))", "[1 2]\n"},
		{"fmt.Println(Sum(1, 2, 3), Sum(1.5, 2.25), Sum[celsius](10, 20.5))", "6 3.75 30.5\n"},
		{"func twice() []string { return Map(Map([]int{3}, func(i int) int { return 2 * i }), strconv.Itoa) }\nfmt.Println(twice())", "[6]\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// A range over a slice of channels reads the value by index.
func TestRangeOverChannels(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		{"var cs []chan int\nfor _, c := range cs {\n\tclose(c)\n}", "var cs []chan int\nfor __wk/*line _.go:100002:9*/ := range cs { c := cs[__wk];/*line _.go:100002:23*/\n\tclose(c)\n}"},
		{"var cs []<-chan int\nfor i, c := range cs {\n\t_, _ = i, c\n}", "var cs []<-chan int\nfor i/*line _.go:100002:9*/ := range cs { c := cs[i];/*line _.go:100002:23*/\n\t_, _ = i, c\n}"},
		// The body assigns the slice: left alone.
		{"var cs []chan int\nfor _, c := range cs {\n\tcs = nil\n\t_ = c\n}", "var cs []chan int\nfor _, c := range cs {\n\tcs = nil\n\t_ = c\n}"},
	} {
		chunks, err := splitCell(tt.code, 1)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range chunks {
			got = append(got, strings.TrimSuffix(c.text, "\n"+goHook+".End()"))
		}
		if g := strings.Join(got, "\n"); g != tt.want {
			t.Errorf("rewrite(%q)\n got %q\nwant %q", tt.code, g, tt.want)
		}
	}
	s := newSession(t)
	run(t, s, `import ("fmt"; "sort"; "sync")`)
	_, out := run(t, s, `func merge(chans ...<-chan int) <-chan int {
	out := make(chan int)
	var wg sync.WaitGroup
	for _, c := range chans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	return out
}
func gen(vs ...int) <-chan int {
	c := make(chan int, len(vs))
	for _, v := range vs {
		c <- v
	}
	close(c)
	return c
}
var got []int
for v := range merge(gen(1, 2), gen(3), gen(4, 5)) {
	got = append(got, v)
}
sort.Ints(got)
fmt.Println(got)`)
	if got := out.stdout(); got != "[1 2 3 4 5]\n" {
		t.Errorf("stdout = %q", got)
	}
}
