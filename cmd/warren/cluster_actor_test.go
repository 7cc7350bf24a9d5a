package main

import (
	"fmt"
	"strings"
	"testing"
)

// An actor whose state type, constructor and calls are declared in cells
// lives on a worker process: its calls run there in order on one state,
// take a task's ref, and give refs a task takes; a name works in the
// driver; a constructor or call that cannot be shipped is refused at
// NewActor or Remote, saying what to do.
func TestClusterActorCells(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := startCluster(t, 2, 2)
	rs := testSession(t, &syncBuffer{})
	cell, ok := cellRunner(t, rs, "actor")
	ok(fmt.Sprintf("ray.Init(ray.NumCPUs(4), ray.Address(%q))", url))
	ok(`import (
	"fmt"
	"os"
)`)
	ok(`type Counter struct{ n int }

func (c *Counter) Incr() int { c.n++; return c.n }

func pid(c *Counter) int { return os.Getpid() }`)
	ok(`c := ray.NewActor(func() *Counter { return &Counter{} }, ray.ActorName("counter"))
var refs []ray.ObjectRef
for i := 0; i < 10; i++ {
	refs = append(refs, c.Remote(func(s *Counter) int { return s.Incr() }))
}`)
	if got := ok(`ray.GetAll(refs...)`); got != "[1 2 3 4 5 6 7 8 9 10]" {
		t.Errorf("calls in order = %s, want [1 … 10]", got)
	}
	driver := ok(`os.Getpid()`)
	if got := ok(`ray.Get(c.Remote(pid))`); got == driver || got == "" {
		t.Errorf("the actor's call ran in pid %s, the driver's (%s)", got, driver)
	}
	// A call function declared in the same cell ships too.
	if got := ok(`func pid2(s *Counter) int { return os.Getpid() }
ray.Get(c.Remote(pid2))`); got == driver || got == "" {
		t.Errorf("the call of a function of the same cell ran in pid %s, the driver's (%s)", got, driver)
	}
	// A task's ref as an argument, a call's ref as a task's argument, and
	// the actor found by name.
	got := ok(`sq := ray.Remote(func(x int) int { return x * x }).Remote(4)
r := c.Remote(func(s *Counter, k int) int { s.n += k; return s.n }, sq)
d, _ := ray.GetActor("counter")
ray.GetAll(r, ray.Remote(func(x int) int { return x + 1 }).Remote(r), d.Remote(func(s *Counter) int { return s.n }))`)
	if got != "[26 27 26]" {
		t.Errorf("refs in and out of calls = %s, want [26 27 26]", got)
	}
	// Exercise 4's pattern: tasks on the workers get the actor's handle
	// and call it, with function literals written in the task's body.
	ok(`var bump = ray.Remote(func(a *ray.Actor, k int) int {
	var last ray.ObjectRef
	for i := 0; i < k; i++ {
		last = a.Remote(func(s *Counter) int { return s.Incr() })
	}
	ray.Get(last)
	return os.Getpid()
})`)
	got = ok(`pids := ray.GetAll(bump.Remote(c, 5), bump.Remote(c, 5))
fmt.Sprint(pids[0] != os.Getpid() && pids[1] != os.Getpid(), " ", ray.Get(c.Remote(func(s *Counter) int { return s.n })))`)
	if got != `"true 36"` {
		t.Errorf("tasks calling the actor through its handle: %s, want tasks on workers and the count 26+10 = 36", got)
	}
	// A cell variable of a predeclared type travels with a call.
	ok(`k := 5`)
	if got := ok(`ray.Get(c.Remote(func(s *Counter) int { return s.n + k }))`); got != "41" {
		t.Errorf("an actor call using the cell variable k = 5: %s, want 36+5", got)
	}
	// Refused at submit, with what to do.
	ok(`var ch = make(chan int)`)
	_, err := cell(`c.Remote(func(s *Counter) int { return s.n + len(ch) })`)
	if err == nil || !strings.Contains(err.Error(), "Actor(counter).Remote") || !strings.Contains(err.Error(), "pass ch as an argument of .Remote") {
		t.Errorf("an actor call using a cell variable holding a channel: %v", err)
	}
	ok(`start := Counter{n: 3}`)
	_, err = cell(`ray.NewActor(func() *Counter { return &start })`)
	if err == nil || !strings.Contains(err.Error(), "uses the top-level variable start") || !strings.Contains(err.Error(), "is not made of Go's predeclared types") || !strings.Contains(err.Error(), "pass them to a first call") {
		t.Errorf("a constructor using a cell variable of a cell's type: %v", err)
	}
	// A variable of a predeclared type travels with the constructor.
	if got := ok(`fromK := ray.NewActor(func() *Counter { return &Counter{n: k} })
ray.Get(fromK.Remote(func(s *Counter) int { return s.Incr() }))`); got != "6" {
		t.Errorf("a constructor using the cell variable k = 5: first Incr = %s, want 6", got)
	}
	ok(`ray.Kill(c)`)
	_, err = cell(`ray.Get(c.Remote(pid))`)
	if err == nil || !strings.Contains(err.Error(), "killed by ray.Kill") {
		t.Errorf("a call after Kill: %v", err)
	}
}
