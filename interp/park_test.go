package interp

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestGoroutineBlockedOnChannelBlocksCompile: a goroutine waiting where
// park.go does not rewrite (a select) keeps its hold, so the next cell fails
// with CompileBlocked instead of compiling while it may run; an interrupt
// ends the wait.
func TestGoroutineBlockedOnChannelBlocksCompile(t *testing.T) {
	s := newSession(t)
	run(t, s, `import "fmt"
jobs := make(chan int)
go func() {
	for {
		select {
		case j := <-jobs:
			fmt.Println(j)
		}
	}
}()`)
	_, _, e := try(t, s, "jobs <- 1")
	if e == nil || e.Name != "CompileBlocked" || !strings.Contains(strings.Join(e.Traceback, "\n"), "same cell as its feeder") {
		t.Fatalf("error = %#v", e)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	if _, _, e := tryCtx(ctx, t, s, "jobs <- 1"); e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted wait: error = %#v", e)
	}
}

// TestGoroutineParkedOnChannelLetsCellsCompile: goroutines waiting on a
// channel in a range, a receive or a send (park.go) let later cells compile
// and feed them, with no race under -race.
func TestGoroutineParkedOnChannelLetsCellsCompile(t *testing.T) {
	s := newSession(t)
	run(t, s, `import ("fmt"; "sync")
type result struct{ job, value int }
jobs := make(chan int)
results := make(chan result, 10)
var wg sync.WaitGroup
func worker(jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- result{j, j * j}
	}
}
for w := 0; w < 3; w++ {
	wg.Add(1)
	go worker(jobs, results, &wg)
}
done := make(chan bool)
got := make(chan int)
go func() {
	v, ok := <-got
	fmt.Println("got", v, ok)
	<-done
	got <- 2 * v
}()`)
	run(t, s, "total := 0\nfor j := 1; j <= 9; j++ {\n\tjobs <- j\n}")
	run(t, s, "close(jobs)\nwg.Wait()\nclose(results)")
	res, _ := run(t, s, "for r := range results {\n\ttotal += r.value\n}\ntotal")
	if plain(res) != "285" {
		t.Errorf("total = %s", plain(res))
	}
	_, rec := run(t, s, "got <- 21\nvar later = 1")
	res, _ = run(t, s, "close(done)\n<-got")
	if plain(res) != "42" {
		t.Errorf("echo = %s", plain(res))
	}
	_ = rec
}

// TestRewritePark: the channel statements park.go rewrites inside
// functions, and those it leaves alone.
func TestRewritePark(t *testing.T) {
	for _, tt := range []struct{ code, want string }{
		{"func w(c chan int) {\n\tfor j := range c {\n\t\t_ = j\n\t}\n}",
			"func w(c chan int) {\n\tfor __pc22 := c; ; { __warren.Park(); j, __pok22 := <-__pc22; __warren.Unpark(); if !__pok22 { break }; {/*line _.go:100002:20*/\n\t\t_ = j\n\t}}\n}"},
		{"func w(c chan int) {\n\tc <- 1\n}",
			"func w(c chan int) {\n\t{ __pc22 := c; __warren.Park(); __pc22 <- 1; __warren.Unpark() }\n}"},
		{"func w(c chan int, v int) {\n\tc <- v\n}",
			"func w(c chan int, v int) {\n\t{ __pc29 := c; var __pv29 int = v; __warren.Park(); __pc29 <- __pv29; __warren.Unpark() }\n}"},
		{"func w(c chan float64) {\n\tc <- 1\n}",
			"func w(c chan float64) {\n\t{ __pc26 := c; __warren.Park(); __pc26 <- 1; __warren.Unpark() }\n}"},
		// A computed value is evaluated first, other rewrites inside it kept.
		{"func w(c chan int, xs []int, i int) {\n\tc <- xs[i] * 2\n}",
			"func w(c chan int, xs []int, i int) {\n\t" + chk("xs", "i") + "/*line _.go:100002:2*/{ __pc39 := c; var __pv39 int = xs[i] * 2; __warren.Park(); __pc39 <- __pv39; __warren.Unpark() }\n}"},
		// A value of another type than the element's, and one whose type
		// this check does not know: held in a variable of the element's type.
		{"func w(c chan any, v int) {\n\tc <- v\n}",
			"func w(c chan any, v int) {\n\t{ __pc29 := c; var __pv29 any = v; __warren.Park(); __pc29 <- __pv29; __warren.Unpark() }\n}"},
		{"import \"fmt\"\nfunc w(c chan string, i int) {\n\tc <- fmt.Sprint(i)\n}",
			"import \"fmt\"\nfunc w(c chan string, i int) {\n\t{ __pc45 := c; var __pv45 string = fmt.Sprint(i); __warren.Park(); __pc45 <- __pv45; __warren.Unpark() }\n}"},
		{"func w(c chan int) {\n\t<-c\n}",
			"func w(c chan int) {\n\t{ __pc22 := c; __warren.Park(); <-__pc22; __warren.Unpark() }\n}"},
		{"func w(c chan int) (v int, ok bool) {\n\tv, ok = <-c\n\treturn\n}",
			"func w(c chan int) (v int, ok bool) {\n\t__pc39 := c; __warren.Park(); __pr39, __pok39 := <-__pc39; __warren.Unpark(); v, ok = __pr39, __pok39\n\treturn\n}"},
		// Left alone: a select, a range whose body makes a closure, and
		// top-level statements.
		{"func w(c chan int) {\n\tselect {\n\tcase <-c:\n\t}\n}", "func w(c chan int) {\n\tselect {\n\tcase <-c:\n\t}\n}"},
		{"func w(c chan int) {\n\tfor j := range c {\n\t\t_ = func() int { return j }\n\t}\n}", ""},
		{"var c chan int\nc <- 1", "var c chan int\nc <- 1"},
	} {
		g := rewritten(t, tt.code)
		if tt.want == "" {
			if strings.Contains(g, "Park") {
				t.Errorf("rewrite(%q) parks:\n%s", tt.code, g)
			}
			continue
		}
		if g != tt.want {
			t.Errorf("rewrite(%q)\n got %q\nwant %q", tt.code, g, tt.want)
		}
	}
}

// TestGeneratorsAcrossCells: generator goroutines blocked sending computed
// values (fmt.Sprint, whose type the cell's check does not know) let the
// next cell compile and receive from them.
func TestGeneratorsAcrossCells(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"time\")\nfunc gen(prefix string, n int) <-chan string {\n\tch := make(chan string)\n\tgo func() {\n\t\tdefer close(ch)\n\t\tfor i := 0; i < n; i++ {\n\t\t\tch <- fmt.Sprint(prefix, i)\n\t\t}\n\t}()\n\treturn ch\n}")
	run(t, s, "a, b := gen(\"a\", 3), gen(\"b\", 2)\ntime.Sleep(100 * time.Millisecond)")
	if _, out := run(t, s, "var later = 1\nfmt.Println(<-a, <-b, <-a, <-b, <-a)"); out.stdout() != "a0 b0 a1 b1 a2\n" {
		t.Errorf("stdout %q", out.stdout())
	}
}
