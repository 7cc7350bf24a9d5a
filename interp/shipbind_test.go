package interp

import (
	"context"
	"fmt"
	"os/exec"
	"reflect"
	"strings"
	"testing"
)

// unitStore holds unit sources by hash, as the cluster's store does.
type unitStore map[string]string

// add stores src under a header of cell, line 1, and returns its hash.
func (us unitStore) add(cell int, src string) string {
	return us.put(fmt.Sprintf("//warren:cell %d line 1\n%s", cell, src))
}

// put stores src as it is and returns its hash.
func (us unitStore) put(src string) string {
	h := sourceHash(src)
	us[h] = src
	return h
}

func (us unitStore) fetch(_ context.Context, h string) ([]byte, error) { return []byte(us[h]), nil }

// caller returns a function that loads a function of the store in w,
// with the units of decls, and returns what a call of it returns.
func (us unitStore) caller(t *testing.T, w *Session) func(name string, decls []string) int64 {
	return func(name string, decls []string) int64 {
		t.Helper()
		fn, err := w.LoadFunc(context.Background(), name, decls, us.fetch)
		if err != nil {
			t.Fatal(err)
		}
		return fn.Call(nil)[0].Int()
	}
}

// A shipTask is a function to run on a worker, its units and its result.
type shipTask struct {
	name  string
	decls []string
	want  int64
}

// runShipTasks runs the tasks in order with call, checking their results.
func runShipTasks(t *testing.T, call func(string, []string) int64, ts []shipTask) {
	t.Helper()
	for i, c := range ts {
		if got := call(c.name, c.decls); got != c.want {
			t.Errorf("task %d: %s() = %d, want %d", i, c.name, got, c.want)
		}
	}
}

// Two notebook sessions whose tasks share a worker declare the same names
// differently: each task runs its own session's declarations, however
// the tasks alternate, and a function compiled against one session's
// declaration is compiled again for the other's.
func TestShipWorkerBindsPerSession(t *testing.T) {
	w := newSession(t)
	us := unitStore{}
	caller := us.add(3, "func caller() int { return work() * 10 }") // the same unit in both sessions
	a := []string{us.add(2, "func work() int { return 1 }"), caller}
	b := []string{us.add(2, "func work() int { return 2 }"), caller}
	call := us.caller(t, w)
	runShipTasks(t, call, []shipTask{
		{"work", a[:1], 1}, {"work", b[:1], 2}, {"work", a[:1], 1},
		{"caller", a, 10}, {"caller", b, 20}, {"caller", a, 10}, {"caller", a, 10}, {"work", b[:1], 2}, {"caller", a, 10},
	})

	// Variables: each session's own, with its own values.
	decl := func(log string) string { return us.add(4, "// variable of log "+log+"\nvar k int") }
	set := func(log string, n, v int) string {
		return us.add(4, fmt.Sprintf(assignHead+"k = %d", "k", n, log, v))
	}
	get := us.add(5, "func getK() int { return k }")
	for i, c := range []struct {
		decls []string
		want  int64
	}{
		{[]string{decl("a"), get, set("a", 1, 7)}, 7},
		{[]string{decl("b"), get, set("b", 1, 8)}, 8},
		{[]string{decl("a"), get, set("a", 1, 7)}, 7},
		{[]string{decl("a"), get, set("a", 2, 9)}, 9},
		{[]string{decl("b"), get, set("b", 1, 8)}, 8},
		{[]string{decl("a"), get, set("a", 2, 9)}, 9},
	} {
		if got := call("getK", c.decls); got != c.want {
			t.Errorf("variable task %d: getK() = %d, want %d", i, got, c.want)
		}
	}

	// The same source in other cells (another session's notebook run in
	// another order) is the same declaration: a type is not declared
	// again, and tasks alternating between the sessions run nothing again.
	imp := func(cell int) string { return us.add(cell, `import "strings"`) }
	up := func(cell int) string { return us.add(cell, "func up(s string) string { return strings.ToUpper(s) }") }
	pt := func(cell int) string { return us.add(cell, "type Pt struct{ X int }") }
	px := func(cell int) string {
		return us.add(cell, "func ptX(p Pt) int { return p.X }\nfunc getPt() int { return ptX(Pt{X: 4}) }")
	}
	sa := []string{imp(10), up(11), pt(12), px(13)}
	sb := []string{imp(20), up(21), pt(22), px(23)}
	var loads []int
	for i, decls := range [][]string{sa, sb, sa, sb, sa} {
		if got := fmt.Sprint(call("getPt", decls)); got != "4" {
			t.Errorf("task %d: getPt() = %s, want 4", i, got)
		}
		fn, err := w.LoadFunc(context.Background(), "up", decls[:2], us.fetch)
		if err != nil {
			t.Fatal(err)
		}
		if got := fn.Call([]reflect.Value{reflect.ValueOf("go")})[0].String(); got != "GO" {
			t.Errorf("task %d: up(go) = %s", i, got)
		}
		w.ship.mu.Lock()
		loads = append(loads, w.ship.loadCell)
		w.ship.mu.Unlock()
	}
	if loads[2] != loads[1] || loads[4] != loads[1] {
		t.Errorf("load cells after each round %v: the same sources from other cells ran again", loads)
	}

	// Types cannot be declared again: the second session's task fails.
	if _, err := w.LoadFunc(context.Background(), "px", []string{us.add(6, "type P struct{ X int }"), us.add(7, "func px() int { return P{X: 1}.X }")}, us.fetch); err != nil {
		t.Fatal(err)
	}
	_, err := w.LoadFunc(context.Background(), "py", []string{us.add(6, "type P struct{ Y int }"), us.add(7, "func py() int { return P{Y: 1}.Y }")}, us.fetch)
	if err == nil || !strings.Contains(err.Error(), "already has another declaration of P") {
		t.Errorf("a second declaration of type P: %v", err)
	}
}

// A function value given to ray.Remote before a cell declared its name
// again is still that function on a worker, as in process.
func TestShipFunctionDeclaredAgain(t *testing.T) {
	driver, _ := newShipPair(t)
	run(t, driver, `func work() int { return 1 }`)
	run(t, driver, `rf := ray.Remote(work)`)
	run(t, driver, `func work() int { return 2 }`)
	for i, c := range []struct{ code, want string }{
		{`ray.Get(rf.Remote())`, "1"},
		{`ray.Get(ray.Remote(work).Remote())`, "2"},
		{`ray.Get(rf.Remote())`, "1"},
	} {
		res, _ := run(t, driver, c.code)
		if got := plain(res); got != c.want {
			t.Errorf("step %d: %s = %s, want %s", i, c.code, got, c.want)
		}
	}
}

// Two sessions' native cells declaring the same function differently, on
// one worker: each session's tasks get its own native function, and its
// interpreted functions calling it, however the tasks alternate.
func TestShipWorkerNativePerSession(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	w := newSession(t)
	w.opts.NativeDir = t.TempDir()
	us := unitStore{}
	nat := func(v int) string { return us.put(fmt.Sprintf("%s1\n\nfunc Val() int { return %d }\n", nativeHead, v)) }
	caller := us.add(2, "func callVal() int { return Val() * 10 }") // the same unit in both sessions
	a, b := []string{nat(1), caller}, []string{nat(2), caller}
	call := us.caller(t, w)
	runShipTasks(t, call, []shipTask{
		{"Val", a[:1], 1}, {"Val", b[:1], 2}, {"Val", a[:1], 1},
		{"callVal", a, 10}, {"callVal", b, 20}, {"callVal", a, 10},
	})
}
