package interp

import "testing"

// TestRayImmutableObjects: values of interpreted types (yaegi builds real
// reflect types for them) are copied into and out of the ray object store
// like compiled ones, so tasks and Put never share mutable data with the
// cell, and two tasks given one map do not write it concurrently.
func TestRayImmutableObjects(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import "fmt"
ray.Init(ray.NumCPUs(2))
type point struct {
	x, y  int
	tags  []string
	next  *point
}
type grid struct {
	cells map[string][]int
	pts   []*point
}
type shape interface{ area() float64 }
type sq struct{ s float64 }
func (q sq) area() float64 { return q.s * q.s }`)
	cases := []struct{ code, want string }{
		// A task changing its argument leaves the caller's value alone.
		{`data := []int{1, 2, 3}
ray.Get(ray.Remote(func(s []int) int { s[0] = 100; return s[0] }).Remote(data))
data`, "[1 2 3]"},
		// Changing a value after Put does not change what Get returns.
		{`buf := []int{0}
var refs []ray.ObjectRef
for i := 1; i <= 3; i++ {
	buf[0] = i
	refs = append(refs, ray.Put(buf))
}
ray.GetAll(refs...)`, "[[1] [2] [3]]"},
		// Interpreted structs with unexported fields, pointers and cycles.
		{`p := &point{x: 1, tags: []string{"a"}}
p.next = p
mut := ray.Remote(func(q *point) bool { q.x = 9; q.tags[0] = "z"; return q.next == q })
cyc := ray.Get(mut.Remote(p))
fmt.Sprint(cyc, p.x, p.tags, p.next == p)`, `"true 1 [a] true"`},
		{`g := grid{cells: map[string][]int{"k": {1}}, pts: []*point{{x: 1}}}
ref := ray.Put(g)
g.cells["k"][0] = 2
g.pts[0].x = 2
got := ray.Get(ref).(grid)
fmt.Sprint(got.cells["k"][0], got.pts[0].x)`, `"1 1"`},
		// Values of cell-defined interface types keep working after the copy.
		{`shapes := []shape{sq{2}, sq{3}}
total := ray.Remote(func(s []shape) float64 {
	t := 0.0
	for _, x := range s {
		t += x.area()
	}
	return t
})
back := ray.Get(ray.Put(shapes)).([]shape)
fmt.Sprint(ray.Get(total.Remote(shapes)), back[1].area())`, `"13 9"`},
		// Two tasks given one map each write their own copy.
		{`m := map[int]int{}
w := ray.Remote(func(m map[int]int, base int) int {
	for i := 0; i < 2000; i++ {
		m[base+i] = i
	}
	return len(m)
})
mref := ray.Put(m)
fmt.Sprint(ray.GetAll(w.Remote(m, 0), w.Remote(m, 5000), w.Remote(mref, 0), w.Remote(mref, 5000)), len(m))`, `"[2000 2000 2000 2000] 0"`},
	}
	for _, c := range cases {
		res, _ := run(t, s, c.code)
		if got := plain(res); got != c.want {
			t.Errorf("%s\n= %s, want %s", c.code, got, c.want)
		}
	}
}

// TestRayRetryExceptionsInCell: ray.RetryExceptions is available in cells
// and, as in Ray, MaxRetries alone does not re-run a task that panics.
func TestRayRetryExceptionsInCell(t *testing.T) {
	s := newRaySession(t)
	res, _ := run(t, s, `import (
	"context"
	"fmt"
)
calls := 0
flaky := ray.Remote(func() int {
	calls++
	if calls == 1 {
		panic("first run fails")
	}
	return calls
})
_, err := ray.GetContext(context.Background(), flaky.Options(ray.MaxRetries(2)).Remote())
calls = 0
got := ray.Get(flaky.Options(ray.MaxRetries(2), ray.RetryExceptions(true)).Remote())
fmt.Sprint(err != nil, got, calls)`) // the retried run returns 2
	if got := plain(res); got != `"true 2 2"` {
		t.Errorf("= %s, want \"true 2 2\"", got)
	}
}
