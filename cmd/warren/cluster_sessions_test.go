package main

import (
	"fmt"
	"testing"
)

// Two notebooks connected to one cluster share its worker and declare the
// same names differently (a function, a variable, a function calling
// both): each notebook's tasks run its own declarations and see its own
// values, however their tasks alternate on the worker.
func TestClusterTwoNotebooksShareAWorker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := startCluster(t, 1, 2)
	notebook := func(name string, k, factor int) func(string) string {
		_, ok := cellRunner(t, testSession(t, &syncBuffer{}), name)
		ok(fmt.Sprintf("ray.Init(ray.NumCPUs(2), ray.Address(%q))", url))
		ok(fmt.Sprintf(`var k = %d

func scale(x int) int { return x * %d }

func work(x int) int { return scale(x) + k }`, k, factor))
		return ok
	}
	a, b := notebook("a", 1, 10), notebook("b", 2, 100)
	for i := range 3 {
		a(fmt.Sprintf("k = %d", i+1)) // a's value changes each round
		if got, want := a(`ray.Get(ray.Remote(work).Remote(5))`), fmt.Sprint(50+i+1); got != want {
			t.Errorf("round %d: notebook a's work(5) = %s, want %s", i, got, want)
		}
		if got := b(`ray.Get(ray.Remote(work).Remote(5))`); got != "502" {
			t.Errorf("round %d: notebook b's work(5) = %s, want 5*100+2", i, got)
		}
	}
}
