package interp

import (
	"strings"
	"testing"
)

// goTail is the part of a rewritten go statement after the evaluated
// function and arguments.
func goTail(call string) string {
	return "__gt := __warren.GoStart(); go func() { defer __gt.Exit(); defer func() { __gt.Done(recover()) }(); __gt.Enter(); " + call + "; __gt.Returned() }() }()"
}

func TestRewriteGo(t *testing.T) {
	checkRewrites(t, []struct{ code, want string }{
		{"go f(1, x)", "func() { __gf, _, __ga1 := f, 1, x; " + goTail("__gf(1, __ga1)")},
		{"go func() { go g() }()", "func() { __gf := func() { func() { __gf := g; " + goTail("__gf()") + " }; " + goTail("__gf()")},
		{`go close(ch)`, "func() { __ga0 := ch; " + goTail("close(__ga0)")},
		{"go copy(a, nil)", "func() { __ga0, _ := a, nil; " + goTail("copy(__ga0, nil)")},
		{"go h(xs...)", "func() { __gf, __ga0 := h, xs; " + goTail("__gf(__ga0...)")},
		{"go w.Run(&wg, -2)", "func() { __ga0, _ := &wg, -2; " + goTail("w.Run(__ga0, -2)")},
		{"go wg.Done()", "func() { " + goTail("wg.Done()")},
		{"go fns[i](x)", "func() { __gf, __ga0 := fns[i], x; " + goTail("__gf(__ga0)")},
		{"go close(ch)", "func() { __ga0 := ch; " + goTail("close(__ga0)")},
	})
}

func TestRewriteDefer(t *testing.T) {
	checkRewrites(t, []struct{ code, want string }{
		{"defer fmt.Println(x, 1)", "defer __warren.Bind(fmt.Println, x, 1)()"},
		{"defer wg.Done()", "defer wg.Done()"},
		{"defer f()", "defer __warren.Bind(f)()"},
		{"defer func() { recover() }()", "defer func() { if __warren.Exiting() { return };/*line _.go:100001:15*/ __warren.Recovered(/*line _.go:100001:16*/recover()) }()"},
		{"defer func() (n int) { return }()", "defer func() (n int) { if __warren.Exiting() { return };/*line _.go:100001:23*/ return }()"},
		{"defer func() int { return 1 }()", "defer func() int { return 1 }()"},
		{"defer close(ch)", "defer close(ch)"},
		{"defer f(xs...)", "defer f(xs...)"},
		{"defer func(a int) { g(a) }(i)", "defer __warren.Bind(func(a int) { g(a) }, i)()"},
	})
	// In a function whose loop bodies hold defers, all defers go to a list.
	chunks, err := splitCell("func f() {\n\tdefer mu.Unlock()\n\tfor i := 0; i < 2; i++ {\n\t\tdefer func() { g(i) }()\n\t\tdefer close(ch)\n\t}\n}", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := "func f() {var __wd1 []func(); defer __warren.RunDefers(&__wd1); \n\t__wd1 = append(__wd1, __warren.Bind(mu.Unlock))\n\tfor i := 0; i < 2; i++ {__wv2_i := i; __wc2 := func() int { i := __wv2_i; _ = i; { \n\t\t__wd1 = append(__wd1, __warren.Bind(func() { g(i) }))\n\t\t__wd1 = append(__wd1, func() { close(ch) })\n\t}; return 0 }(); if __wc2 == 1 { break }; }\n}"
	if chunks[0].text != want {
		t.Errorf("got\n%q\nwant\n%q", chunks[0].text, want)
	}
	// A method of a type of the cell: the receiver is bound at the defer.
	chunks, err = splitCell("type T struct{ n int }\nfunc (t *T) M(a int, b ...string) {}\nfunc f() {\n\tvar t T\n\tdefer t.M(1)\n}", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := chunks[0].text; !strings.Contains(got, "defer __warren.Guard(func(__r *T, __p0 int, __p1 ...string) func() { return func() { __r.M(__p0, __p1...) } }(&(t), 1))()") {
		t.Errorf("method defer: %q", got)
	}
	// recover in a function deferred in such a body: a clear error.
	_, err = splitCell("func f() {\n\tfor i := 0; i < 2; i++ {\n\t\tdefer func() { recover(); g(i) }()\n\t}\n}", 1)
	if err == nil || !strings.Contains(err.Error(), "recover() in a function deferred inside a loop body") {
		t.Errorf("err = %v", err)
	}
}

func TestRewriteLoops(t *testing.T) {
	pre := func(n int, vars ...string) string {
		s := ""
		for _, v := range vars {
			s += "__wv" + itoa(n) + "_" + v + " := " + v + "; "
		}
		s += "__wc" + itoa(n) + " := func() int { "
		for _, v := range vars {
			s += v + " := __wv" + itoa(n) + "_" + v + "; _ = " + v + "; "
		}
		return s
	}
	checkRewrites(t, []struct{ code, want string }{
		// Nothing to capture: unchanged.
		{"for i := 0; i < 3; i++ {\n\tx += i\n}", "for i := 0; i < 3; i++ {\n\tx += i\n}"},
		// A closure: the body runs in a function; break and continue
		// become result codes; a switch's break stays.
		{"for k, v := range m {\n\tif k == 1 {\n\t\tcontinue\n\t}\n\tswitch v {\n\tcase 0:\n\t\tbreak\n\t}\n\tgo f(v)\n\tbreak\n}",
			"func() { for k, v := range m {" + pre(2, "k", "v") + "{ \n\tif k == 1 {\n\t\treturn 0\n\t}\n\tswitch v {\n\tcase 0:\n\t\tbreak\n\t}\n\tfunc() { __gf, __ga0 := f, v; " + goTail("__gf(__ga0)") + "\n\treturn 1\n}; return 0 }(); if __wc2 == 1 { break }; } }()"},
		// A write to the loop variable carries over to the next iteration.
		{"for i := 0; i < 9; i++ {\n\tp = &x\n\ti++\n}",
			"func() { for i := 0; i < 9; i++ {" + pre(2, "i") + "defer func() { __wv2_i = i; }(); { \n\tp = &x\n\ti++\n}; return 0 }(); i = __wv2_i; if __wc2 == 1 { break }; } }()"},
		// A labelled continue to an outer loop, through two bodies.
		{"L:\nfor a := range xs {\n\tfor b := range ys {\n\t\tfs = append(fs, func() { g(a, b) })\n\t\tcontinue L\n\t}\n}",
			"func() { L:\nfor a := range xs {" + pre(2, "a") + "{ \n\tfor b := range ys {" + pre(3, "b") + "{ \n\t\tfs = append(fs, func() { g(a, b) })\n\t\treturn 2\n\t}; return 0 }(); if __wc3 == 1 { break }; if __wc3 == 2 { return 0 }; }\n}; return 0 }(); if __wc2 == 1 { break }; } }()"},
	})
	// A return from a function with results, through a wrapped body.
	chunks, err := splitCell("func f(xs []int) (int, error) {\n\tfor _, x := range xs {\n\t\tgo g(x)\n\t\treturn x, nil\n\t}\n\treturn 0, nil\n}", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := "func f(xs []int) (int, error) {var __wr1_0 int; var __wr1_1 error; \n\tfor _, x := range xs {" + pre(2, "x") + "{ \n\t\tfunc() { __gf, __ga0 := g, x; " + goTail("__gf(__ga0)") + "\n\t\t{ __wr1_0 = x; __wr1_1 = nil; return 2 }\n\t}; return 0 }(); if __wc2 == 1 { break }; if __wc2 == 2 { return __wr1_0, __wr1_1 }; }\n\treturn 0, nil\n}"
	if chunks[0].text != want {
		t.Errorf("got\n%q\nwant\n%q", chunks[0].text, want)
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n))) }

// A method value of a value receiver copies the receiver when it is made.
func TestRewriteMethodValue(t *testing.T) {
	chunks, err := splitCell("type T struct{ n int }\nfunc (t T) Get(k int) (int, error) { return t.n + k, nil }\nfunc (t *T) Ptr() {}\nfunc f(p *T) {\n\tvar x T\n\tg, h, q := x.Get, p.Get, x.Ptr\n\t_, _, _ = g, h, q\n}", 1)
	if err != nil {
		t.Fatal(err)
	}
	want := "g, h, q := func(__r T) func(k int) (int, error) { return __r.Get }((x)), func(__r T) func(k int) (int, error) { return __r.Get }(*(p)), x.Ptr"
	if got := chunks[0].text; !strings.Contains(got, want) {
		t.Errorf("got\n%q\nwant it to contain\n%q", got, want)
	}
}

// BenchmarkRewriteCell measures splitting and rewriting a cell with loops,
// closures, goroutines and defers (go/types runs over the whole cell).
func BenchmarkRewriteCell(b *testing.B) {
	code := loopCases[0].body + "\n" + loopCases[7].decls + "\n" + loopCases[8].decls
	for b.Loop() {
		if _, err := splitCell(code, 1); err != nil {
			b.Fatal(err)
		}
	}
}
