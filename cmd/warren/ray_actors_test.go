package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// TestRunRayActors runs, through warren run and the real interpreter, a
// notebook using actors whose state type is declared in a cell: calls in
// order, MaxConcurrency, a failing constructor, names looked up from another
// cell and from a task, a cell re-run with GetIfExists, Kill, calls from a
// task, a caller not held up by another caller's slow argument, results
// copied while the state stays, and the actor rows of the timeline.
func TestRunRayActors(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an interpreter")
	}
	dir := t.TempDir()
	rerun := "p := ray.NewActor(func() *Counter { return &Counter{} }, ray.ActorName(\"p\"), ray.GetIfExists())\n" +
		"fmt.Println(\"rerun:\", ray.Get(p.Remote(func(s *Counter) int { return s.Incr() })))"
	in := codeNotebook(t, dir, "nb.ipynb",
		"import (\n\t\"fmt\"\n\t\"sync\"\n\t\"time\"\n)\nray.Init(ray.NumCPUs(2))",
		"type Counter struct {\n\tn int\n}\n\nfunc (c *Counter) Incr() int { c.n++; return c.n }",
		// Calls from one caller run in order, one at a time.
		"c := ray.NewActor(func() *Counter { return &Counter{} }, ray.ActorName(\"counter\"))\n"+
			"var refs []ray.ObjectRef\nfor i := 0; i < 20; i++ {\n\trefs = append(refs, c.Remote(func(s *Counter) int { return s.Incr() }))\n}\n"+
			"fmt.Println(\"order:\", ray.GetAll(refs...))",
		// Looked up by name from another cell, and from a task.
		"d, err := ray.GetActor(\"counter\")\nfmt.Println(\"lookup:\", err, ray.Get(d.Remote(func(s *Counter, k int) int { s.n += k; return s.n }, 100)))",
		"fromTask := ray.Remote(func() int {\n\ta, err := ray.GetActor(\"counter\")\n\tif err != nil {\n\t\tpanic(err)\n\t}\n\treturn ray.Get(a.Remote(func(s *Counter) int { return s.Incr() })).(int)\n})\n"+
			"fmt.Println(\"from task:\", ray.Get(fromTask.Remote()))",
		"_, err = ray.GetActor(\"countr\")\nfmt.Println(\"unknown:\", err)",
		// A cell creating a named actor with GetIfExists runs twice.
		rerun, rerun,
		// MaxConcurrency(3): never more than 3 calls at once.
		"type Gauge struct {\n\tmu       sync.Mutex\n\tcur, top int\n}\n"+
			"g := ray.NewActor(func() *Gauge { return &Gauge{} }, ray.MaxConcurrency(3))\n"+
			"var grefs []ray.ObjectRef\nfor i := 0; i < 12; i++ {\n\tgrefs = append(grefs, g.Remote(func(s *Gauge) int {\n"+
			"\t\ts.mu.Lock()\n\t\ts.cur++\n\t\tif s.cur > s.top {\n\t\t\ts.top = s.cur\n\t\t}\n\t\ts.mu.Unlock()\n"+
			// Stay until three run at once (or 2 s pass), so that a fourth
			// would be seen if MaxConcurrency let it in.
			"\t\tfor start := time.Now(); time.Since(start) < 2*time.Second; time.Sleep(time.Millisecond) {\n"+
			"\t\t\ts.mu.Lock()\n\t\t\tn := s.cur\n\t\t\ts.mu.Unlock()\n\t\t\tif n >= 3 {\n\t\t\t\tbreak\n\t\t\t}\n\t\t}\n\t\ttime.Sleep(5 * time.Millisecond)\n"+
			"\t\ts.mu.Lock()\n\t\ts.cur--\n\t\ts.mu.Unlock()\n\t\treturn 0\n\t}))\n}\nray.GetAll(grefs...)\n"+
			"fmt.Println(\"most at once:\", ray.Get(g.Remote(func(s *Gauge) int { return s.top })))",
		// A failing constructor.
		"type DB struct{}\nbad := ray.NewActor(func() (*DB, error) { return nil, fmt.Errorf(\"no database\") })\n"+
			"_, err = ray.GetContext(nil, bad.Remote(func(s *DB) int { return 1 }))\nfmt.Println(\"ctor:\", err)",
		// Caller B is not held up by caller A's call waiting for a slow argument.
		"func slowArg() string {\n\trelease := make(chan bool)\n\tslow := ray.Remote(func() int { <-release; return 1000 }).Remote()\n"+
			"\tcallerA := ray.Remote(func() ray.ObjectRef {\n\t\treturn c.Remote(func(s *Counter, k int) int { s.n += k; return s.n }, slow)\n\t})\n"+
			"\taRef := ray.Get(callerA.Remote()).(ray.ObjectRef)\n\tb := ray.Get(c.Remote(func(s *Counter) int { return s.Incr() }))\n"+
			"\tready := aRef.Ready()\n\tclose(release)\n\treturn fmt.Sprint(\"B: \", b, \" A ready before its argument: \", ready, \" A: \", ray.Get(aRef))\n}",
		"fmt.Println(slowArg())",
		// Results are copies; the state stays with the actor.
		"type Bag struct {\n\tItems []int\n}\nbag := ray.NewActor(func() *Bag { return &Bag{} })\n"+
			"got := ray.Get(bag.Remote(func(s *Bag, v int) *Bag { s.Items = append(s.Items, v); return s }, 7)).(*Bag)\n"+
			"got.Items[0] = -1\nbag.Remote(func(s *Bag, v int) { s.Items = append(s.Items, v) }, 8)\n"+
			"fmt.Println(\"state:\", ray.Get(bag.Remote(func(s *Bag) []int { return s.Items })))",
		// Kill: an in-flight call fails, later calls fail at once.
		"func kill() string {\n\trelease := make(chan bool)\n\tstarted := make(chan bool)\n"+
			"\tinflight := c.Remote(func(s *Counter) int { close(started); <-release; return s.Incr() })\n\t<-started\n\tray.Kill(c)\n"+
			"\t_, e1 := ray.GetContext(nil, inflight)\n\tlater := c.Remote(func(s *Counter) int { return s.Incr() })\n\t_, e2 := ray.GetContext(nil, later)\n"+
			"\tclose(release)\n\t_, e3 := ray.GetActor(\"counter\")\n\treturn fmt.Sprint(\"killed: \", e1, \" | later at once: \", later.Ready(), \" \", e2, \" | name free: \", e3 != nil)\n}",
		"fmt.Println(kill())",
		"v := ray.Timeline(\"\")\nfmt.Println(\"actor rows:\", v.Actors)",
	)
	var stdout, stderr bytes.Buffer
	code := runMain([]string{"-o", filepath.Join(dir, "out.ipynb"), in}, &stdout, &stderr, newInterpSession)
	out, errs := stdout.String(), stderr.String()
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"order: [1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20]",
		"lookup: <nil> 120",
		"from task: 121",
		"rerun: 1",
		"rerun: 2",
		`unknown: ray: invalid call: ray.GetActor: no actor named "countr" (named actors: "counter")`,
		"most at once: 3",
		"ctor: ray: task actor#",
		"failed: the actor died because its constructor failed: no database",
		"B: 122 A ready before its argument: false A: 1122",
		"state: [7 8]",
		"killed: ray: task counter (#",
		"failed: the actor died because it was killed by ray.Kill | later at once: true ray: task counter",
		"| name free: true",
		"actor rows: 7", // counter, p, Gauge ×3, DB, Bag
	} {
		if !strings.Contains(out+errs, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("stdout:\n%s\nstderr:\n%s", out, errs)
	}
}
