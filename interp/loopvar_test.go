package interp

// loopCases are Go programs whose output depends on Go 1.22's loop
// variables, deferred-argument evaluation or go statement semantics. Each
// runs as a notebook cell (imports, declarations, then top-level
// statements); want is what the same program prints compiled (`go run`,
// with the statements in main).
var loopCases = []struct {
	name, imports, decls, body, want string
}{
	{"closures 3-clause", `"fmt"`, ``, `var fs []func() int
for i := 0; i < 3; i++ {
	fs = append(fs, func() int { return i })
}
fmt.Println(fs[0](), fs[1](), fs[2]())`, "0 1 2\n"},
	{"closures range and body var", `"fmt"`, ``, `var fs []func() string
for k, v := range []string{"a", "b", "c"} {
	x := v + v
	fs = append(fs, func() string { return fmt.Sprint(k, v, x) })
}
for _, f := range fs {
	fmt.Println(f())
}`, "0aaa\n1bbb\n2ccc\n"},
	{"goroutines waitgroup out[i]", `"fmt"; "sync"`, ``, `out := make([]int, 4)
var wg sync.WaitGroup
for i := 0; i < 4; i++ {
	wg.Add(1)
	go func() {
		defer wg.Done()
		out[i] = i * i
	}()
}
wg.Wait()
fmt.Println(out)`, "[0 1 4 9]\n"},
	{"goroutines copy in body", `"fmt"; "sync"`, ``, `res := make([]int, 3)
var wg sync.WaitGroup
for i := 0; i < 3; i++ {
	x := i
	wg.Add(1)
	go func() { defer wg.Done(); res[x] = x + 10 }()
}
wg.Wait()
fmt.Println(res)`, "[10 11 12]\n"},
	{"addresses", `"fmt"`, ``, `var ps []*int
for i := 0; i < 3; i++ {
	ps = append(ps, &i)
}
for _, p := range []string{"x", "y"} {
	_ = &p
}
fmt.Println(*ps[0], *ps[1], *ps[2])`, "0 1 2\n"},
	{"loop var written in body", `"fmt"`, ``, `var fs []func() int
for i := 0; i < 10; i++ {
	fs = append(fs, func() int { return i })
	i += 2
}
for _, f := range fs {
	fmt.Print(f(), " ")
}
fmt.Println()`, "2 5 8 11 \n"},
	{"break continue labels", `"fmt"`, ``, `var fs []func() string
outer:
for i := 0; i < 4; i++ {
	for j := 0; j < 4; j++ {
		if j == 1 {
			continue
		}
		if j == 3 {
			continue outer
		}
		if i == 2 {
			break outer
		}
		fs = append(fs, func() string { return fmt.Sprint(i, j) })
	}
}
for k := 0; ; k++ {
	if k == 2 {
		fs = append(fs, func() string { return fmt.Sprint("k", k) })
		break
	}
	switch k {
	case 0:
		break
	}
	select {
	default:
		break
	}
}
for _, f := range fs {
	fmt.Print(f(), " ")
}
fmt.Println()`, "0 0 0 2 1 0 1 2 k2 \n"},
	{"return from loop in function", `"fmt"`, `func find(xs []int, want int) (int, func() int) {
	for i, x := range xs {
		f := func() int { return i }
		if x == want {
			return i * 10, f
		}
	}
	return -1, nil
}

func named(n int) (s string, err error) {
	for i := 0; i < n; i++ {
		defer func() { s += fmt.Sprint(i) }()
		if i == 2 {
			s = "early"
			return
		}
	}
	return "all", nil
}

func nested() []int {
	var out []int
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			g := func() int { return i*10 + j }
			if j == 2 {
				return append(out, g())
			}
			out = append(out, g())
		}
	}
	return nil
}`, `v, f := find([]int{5, 6, 7}, 6)
fmt.Println(v, f())
fmt.Println(named(2))
fmt.Println(named(5))
fmt.Println(nested())`, "10 1\nall10 <nil>\nearly210 <nil>\n[0 1 2]\n"},
	{"defer args", `"fmt"`, `func deferred() {
	x := 1
	defer fmt.Println("x was", x)
	x = 5
	for i := 0; i < 3; i++ {
		defer fmt.Println("i", i)
	}
	for i := 0; i < 2; i++ {
		defer func() { fmt.Println("closure", i) }()
	}
	defer func(a int) { fmt.Println("arg", a) }(x)
	x = 7
}

func recovers() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint("recovered: ", r)
		}
	}()
	for i := 0; i < 2; i++ {
		defer func() { fmt.Println("loop defer", i) }()
	}
	panic("boom")
}`, `deferred()
fmt.Println(recovers())`, "arg 5\nclosure 1\nclosure 0\ni 2\ni 1\ni 0\nx was 1\nloop defer 1\nloop defer 0\nrecovered: boom\n"},
	{"goroutine arguments evaluated at go", `"fmt"; "sync"`, `func show(wg *sync.WaitGroup, f float64, s ...string) { defer wg.Done(); fmt.Println(f, s) }`, `var wg sync.WaitGroup
x := 1.5
wg.Add(1)
go show(&wg, x, "a", "b")
x = 2.5
wg.Wait()
ch := make(chan int, 3)
for i := 0; i < 3; i++ {
	go func(n int) { ch <- n * 10 }(i)
}
sum := 0
for i := 0; i < 3; i++ {
	sum += <-ch
}
wg.Add(1)
go show(&wg, 3, "c")
wg.Wait()
fmt.Println(sum)`, "1.5 [a b]\n3 [c]\n30\n"},
	{"methods with loops", `"fmt"`, `type acc struct{ fs []func() int }

func (a *acc) fill(n int) *acc {
	for i := range make([]struct{}, n) {
		a.fs = append(a.fs, func() int { return i * i })
	}
	return a
}`, `a := (&acc{}).fill(4)
for _, f := range a.fs {
	fmt.Print(f(), " ")
}
fmt.Println()`, "0 1 4 9 \n"},
	{"range over int", `"fmt"`, `func count(n int64) (out []int64) {
	for i := range n {
		out = append(out, i)
	}
	return out
}`, `n := 3
var fs []func() int
for i := range n {
	fs = append(fs, func() int { return i * 10 })
	i += 5
}
for i := range 2 {
	fmt.Print(i, " ")
}
total := 0
for range 4 {
	total++
}
type Count uint8
var c Count = 2
for i := range c {
	fmt.Printf("c%d ", i)
}
fmt.Println(fs[0](), fs[1](), fs[2](), total, count(3))`, "0 1 c0 c1 50 60 70 4 [0 1 2]\n"},
	{"range over func", `"fmt"`, `func pairs(yield func(string, int) bool) {
	for i, s := range []string{"a", "b", "c", "d"} {
		if !yield(s, i) {
			fmt.Println("stopped at", s)
			return
		}
	}
}

func firstOver(limit int) (string, int) {
	for s, i := range pairs {
		if i > limit {
			return s, i
		}
	}
	return "", -1
}`, `countTo := func(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 1; i <= n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}
var fs []func() int
for x := range countTo(5) {
	if x == 2 {
		continue
	}
	if x == 4 {
		break
	}
	fs = append(fs, func() int { return x })
}
for _, f := range fs {
	fmt.Print(f(), " ")
}
fmt.Println(firstOver(1))
seq := countTo(2)
for range seq {
	fmt.Print("tick ")
}
fmt.Println()`, "1 3 stopped at c\nc 2\ntick tick \n"},
	{"defer receivers", `"fmt"; "strings"`, `type T struct{ n int }

func (t T) Show(s string) { fmt.Println("show", s, t.n) }
func (t T) Zero()         { fmt.Println("zero", t.n) }
func (t *T) Ptr(s string) { fmt.Println("ptr", s, t.n) }
func (t T) Many(p string, xs ...int) { fmt.Println(p, xs, t.n) }

type shower interface{ Show(string) }

func receivers() {
	t := T{1}
	defer t.Show("a")
	defer t.Zero()
	defer t.Ptr("p")
	defer t.Many("many", 1, 2)
	p := &T{10}
	defer p.Show("viaptr")
	var i shower = T{3}
	defer i.Show("iface")
	var b strings.Builder
	defer fmt.Println("builder", b.Len())
	b.WriteString("abc")
	p = &T{20}
	t.n = 5
	i = T{8}
}`, `receivers()`, "builder 0\nshow iface 3\nshow viaptr 10\nmany [1 2] 1\nptr p 5\nzero 1\nshow a 1\n"},
	{"defers in a loop at the top level", `"fmt"`, ``, `defer fmt.Println("first deferred, last run")
for i := 0; i < 3; i++ {
	defer func() { fmt.Println("deferred", i) }()
}
x := 10
defer fmt.Println("x", x)
x = 20
fmt.Println("body done", x)`, "body done 20\nx 10\ndeferred 2\ndeferred 1\ndeferred 0\nfirst deferred, last run\n"},
	{"goto and select in a loop", `"fmt"`, `func g() (out []func() int) {
	ch := make(chan int, 1)
	for i := 0; ; i++ {
		select {
		case ch <- i:
			out = append(out, func() int { return i })
		default:
			<-ch
			if i > 4 {
				goto done
			}
			break
		}
	}
done:
	return out
}`, `for _, f := range g() {
	fmt.Print(f(), " ")
}
fmt.Println()`, "0 2 4 \n"},
	{"worker pool and mutex", `"fmt"; "sync"`, `func worker(id int, jobs <-chan int, results chan<- int) {
	for j := range jobs {
		results <- j * 2
	}
}

type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
}`, `jobs := make(chan int, 10)
results := make(chan int, 10)
for w := 1; w <= 3; w++ {
	go worker(w, jobs, results)
}
for j := 1; j <= 5; j++ {
	jobs <- j
}
close(jobs)
sum := 0
for a := 1; a <= 5; a++ {
	sum += <-results
}
c := counter{n: map[string]int{}}
var wg sync.WaitGroup
for _, k := range []string{"a", "b", "a"} {
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.inc(k)
	}()
}
wg.Wait()
fmt.Println(sum, c.n["a"], c.n["b"])`, "30 2 1\n"},
	{"generic helpers and strings", `"fmt"; "strings"`, `func apply[T any](xs []T, f func(T) T) []T {
	var out []T
	for _, x := range xs {
		g := func() T { return f(x) }
		out = append(out, g())
	}
	return out
}

func firstUpper(s string) (int, rune) {
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			return i, r
		}
		_ = &r
	}
	return -1, 0
}`, `fmt.Println(apply([]int{1, 2, 3}, func(x int) int { return x * x }))
var fs []func() string
for i, r := range "héllo" {
	fs = append(fs, func() string { return fmt.Sprintf("%d:%c", i, r) })
}
parts := []string{}
for _, f := range fs {
	parts = append(parts, f())
}
fmt.Println(strings.Join(parts, " "))
fmt.Println(firstUpper("abCd"))`, "[1 4 9]\n0:h 1:é 3:l 4:l 5:o\n2 67\n"},
	{"method values in a loop", `"fmt"`, `type item struct{ n int }

func (it item) show() string   { return fmt.Sprint("v", it.n) }
func (it *item) ptr() string   { return fmt.Sprint("p", it.n) }`, `var fs []func() string
for i := 0; i < 3; i++ {
	it := item{i}
	fs = append(fs, it.show, it.ptr)
}
for _, it := range []item{{7}, {8}} {
	fs = append(fs, it.show)
}
for _, f := range fs {
	fmt.Print(f(), " ")
}
x := item{1}
px := &item{2}
show, pshow, ptr := x.show, px.show, x.ptr
x.n, px.n = 100, 200
fmt.Println(show(), pshow(), ptr())`, "v0 p0 v1 p1 v2 p2 v7 v8 v1 v2 p100\n"},
	{"pipeline, grid and closure writes", `"fmt"; "sync"`, `func gen(n int) <-chan int {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := range n {
			ch <- i
		}
	}()
	return ch
}

func deferredRange() {
	for i := range 3 {
		defer func() { fmt.Print("d", i, " ") }()
	}
}`, `sum := 0
for v := range gen(5) {
	sum += v
}
grid := make([][]int, 3)
var wg sync.WaitGroup
for i := range grid {
	grid[i] = make([]int, 3)
	for j := range grid[i] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			grid[i][j] = i*10 + j
		}()
	}
}
wg.Wait()
var fs []func() int
for i := 0; i < 5; i++ {
	inc := func() { i++ }
	inc()
	fs = append(fs, func() int { return i })
}
for i, j := 0, 10; i < j; i, j = i+1, j-3 {
	fs = append(fs, func() int { return i * j })
}
deferredRange()
fmt.Println()
for _, f := range fs {
	fmt.Print(f(), " ")
}
fmt.Println(sum, grid)`, "d2 d1 d0 \n1 3 5 0 7 8 10 [[0 1 2] [10 11 12] [20 21 22]]\n"},
	{"range over func with defer and labels", `"fmt"`, `func nums(yield func(int) bool) {
	for i := 0; i < 5; i++ {
		if !yield(i) {
			return
		}
	}
}

func walk() (out []string) {
	defer func() { out = append(out, "end") }()
outer:
	for x := range nums {
		defer func() { out = append(out, fmt.Sprint("d", x)) }()
		for y := range nums {
			if y > x {
				continue outer
			}
			if x == 3 {
				break outer
			}
			out = append(out, fmt.Sprint(x, y))
		}
	}
	return out
}`, `fmt.Println(walk())`, "[0 0 1 0 1 1 2 0 2 1 2 2 d3 d2 d1 d0 end]\n"},
	{"returns of generic and struct results", `"fmt"`, `func find[T comparable](xs []T, v T) (int, bool) {
	for i, x := range xs {
		eq := func() bool { return x == v }
		if eq() {
			return i, true
		}
	}
	return -1, false
}

func pick(xs []int) (struct {
	At  int
	Val int
}, error) {
	for i, x := range xs {
		p := &x
		if *p > 10 {
			return struct {
				At  int
				Val int
			}{i, *p}, nil
		}
	}
	return struct {
		At  int
		Val int
	}{}, fmt.Errorf("none")
}`, `fmt.Println(find([]string{"a", "b"}, "b"))
fmt.Println(find([]int{1}, 5))
fmt.Println(pick([]int{3, 12, 40}))
fmt.Println(pick(nil))`, "1 true\n-1 false\n{1 12} <nil>\n{0 0} none\n"},
	{"struct literals assigned in closures and loop bodies", `"fmt"`, `type pt struct{ X, Y int }

func lastOf(n int) (last pt) {
	for i := 0; i < n; i++ {
		f := func() int { return i * i }
		last = pt{i, f()}
	}
	return last
}`, `var r pt
set := func() { r = pt{7, 8} }
set()
var s any
setAny := func() { s = pt{1, 1} }
setAny()
fmt.Println(lastOf(3), r, s)`, "{2 4} {7 8} {1 1}\n"},
	{"switch, type switch, goto and returns in goroutines", `"fmt"; "sync"`, `func classify(xs []any) (out []func() string) {
	for i, x := range xs {
		switch v := x.(type) {
		case int:
			if v < 0 {
				continue
			}
			out = append(out, func() string { return fmt.Sprint(i, "int", v) })
		case string:
			if v == "stop" {
				break
			}
			out = append(out, func() string { return fmt.Sprint(i, "str", v) })
		default:
			goto skip
		}
		switch {
		case i == 0:
			fallthrough
		case i == 1:
			out = append(out, func() string { return fmt.Sprint("low", i) })
		}
	skip:
	}
	return out
}`, `for _, f := range classify([]any{1, "a", -2, 2.5, "stop", 3}) {
	fmt.Print(f(), " ")
}
fmt.Println()
var wg sync.WaitGroup
found := make([]int, 3)
for g := range 3 {
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := g * 10; ; i++ {
			check := func() bool { return i%7 == 0 }
			if check() {
				found[g] = i
				return
			}
		}
	}()
}
wg.Wait()
fmt.Println(found)`, "0int1 low0 1stra low1 5int3 \n[0 14 21]\n"},
}
