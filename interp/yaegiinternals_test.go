package interp

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	yaegi "github.com/traefik/yaegi/interp"
)

// Each internal of yaegi that warren reads or calls (yaegiinternals.go)
// is there and behaves as warren expects; this fails on a yaegi upgrade
// that changes one of them.
func TestYaegiInternals(t *testing.T) {
	// A test binary has no module versions in its build info (the check in
	// checkYaegiInternals covers warren's binary): read go.mod.
	mod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	required := ""
	for _, l := range strings.Split(string(mod), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == yaegiModule {
			required = f[1]
		}
	}
	if required != yaegiVersion {
		t.Fatalf("go.mod requires %s %q; interp/yaegiinternals.go is written for %s: check each internal there, then update yaegiVersion", yaegiModule, required, yaegiVersion)
	}

	i := yaegi.New(yaegi.Options{})
	if err := checkYaegiInternals(i); err != nil {
		t.Fatal(err)
	}

	// The run id: yaegiStop increments it, revertRunID undoes that.
	if _, err := i.EvalWithContext(context.Background(), "1"); err != nil {
		t.Fatal(err)
	}
	id, err := runIDField(i)
	if err != nil {
		t.Fatal(err)
	}
	before := *id
	yaegiStop(i)
	if *id != before+1 {
		t.Fatalf("run id after yaegiStop = %d, want %d", *id, before+1)
	}
	revertRunID(i)
	if *id != before {
		t.Fatalf("run id after revertRunID = %d, want %d", *id, before)
	}
	// And interpreted code still runs after the revert.
	if v, err := i.Eval("2 + 3"); err != nil || v.Interface() != 5 {
		t.Fatalf("after the revert: %v, %v", v, err)
	}

	// The compiled roots: a function declared on line 3 of a source has a
	// body (child 3) whose start node is on line 3.
	if _, err := i.Eval("package main\n\nfunc seven() int { return 7 }"); err != nil {
		t.Fatal(err)
	}
	roots, fset := interpRoots(i)
	if fset == nil || roots.Len() == 0 {
		t.Fatalf("roots %d, fset %v", roots.Len(), fset)
	}
	found := false
	stack := []reflect.Value{roots.Index(roots.Len() - 1)}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.IsNil() {
			continue
		}
		kids := nodeChildren(n)
		if kids.Len() >= 4 && !kids.Index(3).IsNil() {
			if start := nodeStart(kids.Index(3)); !start.IsNil() && fset.Position(nodePos(start)).Line == 3 {
				found = true
			}
		}
		for k := 0; k < kids.Len(); k++ {
			stack = append(stack, kids.Index(k))
		}
	}
	if !found {
		t.Error("no function body starting on line 3 among the roots' nodes")
	}

	// Interpreted code runs in frames of runCfg.
	var trace string
	if err := i.Use(yaegi.Exports{"probe/probe": {"Stack": reflect.ValueOf(func() {
		buf := make([]byte, 1<<16)
		trace = string(buf[:runtime.Stack(buf, false)])
	})}}); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`import "probe"`); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval("func probeIt() { probe.Stack() }"); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval("probeIt()"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(trace, "\n"+runCfgFrame) {
		t.Errorf("no %q frame in the stack of interpreted code:\n%s", runCfgFrame, trace)
	}
}

// frameRefs.grow gives the global frame the slots a compile added, initialised,
// and keeps spare capacity, so chunks that add slots do not copy the whole
// frame; yaegi's own resizeFrame then has nothing to do, and values of
// earlier chunks survive.
func TestGrowFrame(t *testing.T) {
	i := yaegi.New(yaegi.Options{})
	if _, err := i.Eval("a0 := 0"); err != nil {
		t.Fatal(err)
	}
	f, err := globalFrame(i) // once: the references stay valid
	if err != nil {
		t.Fatal(err)
	}
	moves := 0
	var last *reflect.Value
	const n = 2000
	for k := 1; k <= n; k++ {
		p, err := i.Compile(fmt.Sprintf("a%d := a%d + 1", k, k-1))
		if err != nil {
			t.Fatal(err)
		}
		f.grow()
		vals, types := *f.data, *f.types
		if len(vals) != len(types) {
			t.Fatalf("after grow: %d values for %d slots", len(vals), len(types))
		}
		for j, v := range vals {
			if !v.IsValid() {
				t.Fatalf("slot %d of %d not initialised", j, len(vals))
			}
		}
		if last != nil && &vals[0] != last {
			moves++
		}
		last = &vals[0]
		if _, err := i.Execute(p); err != nil {
			t.Fatal(err)
		}
		if after := *f.data; &after[0] != last {
			t.Fatal("yaegi's Execute reallocated the frame after grow")
		}
	}
	if v, err := i.Eval(fmt.Sprintf("a%d", n)); err != nil || v.Interface() != n {
		t.Fatalf("a%d = %v, %v; want %d", n, v, err, n)
	}
	// Geometric growth: a few dozen moves at most, not one per chunk.
	if moves > 30 {
		t.Errorf("the frame moved %d times in %d chunks", moves, n)
	}
}
