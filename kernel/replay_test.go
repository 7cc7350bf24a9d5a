package kernel

import (
	"fmt"
	"testing"
)

func TestReplayGuard(t *testing.T) {
	g := newReplayGuard(3)
	for _, s := range []string{"a", "b", "c"} {
		if !g.fresh(s) {
			t.Fatalf("%s: first sight is not fresh", s)
		}
	}
	if g.fresh("a") || g.fresh("c") {
		t.Fatal("a replay is fresh")
	}
	if !g.fresh("") {
		t.Fatal("empty signatures (no key) must always pass")
	}
	if !g.fresh("") {
		t.Fatal("empty signatures (no key) must always pass")
	}
	// The history is bounded: "d" pushes out "a", the oldest.
	if !g.fresh("d") || !g.fresh("a") {
		t.Fatal("the oldest signature was not forgotten")
	}
	if g.fresh("d") || len(g.seen) != 3 || len(g.order) != 3 {
		t.Fatalf("seen %v order %v", g.seen, g.order)
	}
}

func BenchmarkReplayGuard(b *testing.B) {
	g := newReplayGuard(maxSeenSignatures)
	for i := range b.N {
		g.fresh(fmt.Sprintf("%064x", i))
	}
}
