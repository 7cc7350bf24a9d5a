package parallel

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// gauge is an actor state that checks how many calls run at once.
type gauge struct {
	max      int32
	cur, top atomic.Int32
	calls    atomic.Int32
}

func (g *gauge) enter() error {
	g.calls.Add(1)
	if n := g.cur.Add(1); n > g.max {
		g.cur.Add(-1)
		return fmt.Errorf("%d calls at once, MaxConcurrency(%d)", n, g.max)
	} else if n > g.top.Load() {
		g.top.Store(n)
	}
	return nil
}

func (g *gauge) exit() { g.cur.Add(-1) }

// TestActorStress submits calls to several actors from the driver's
// goroutines and from tasks, with ref arguments, nested Gets, cancels and a
// Kill, and checks the invariants: every ref resolves, no actor ever runs
// more calls than its MaxConcurrency, and all resources come back.
func TestActorStress(t *testing.T) {
	rt := newRT(t, NumCPUs(3))
	rng := rand.New(rand.NewSource(1))
	type actorUnderTest struct {
		a *Actor
		g *gauge
	}
	var actors []actorUnderTest
	for i := range 4 {
		max := int32(1 + i%3)
		g := &gauge{max: max}
		a := rt.NewActor(func() *gauge { return g }, MaxConcurrency(int(max)), ActorCPUs(float64(i%2)*0.5))
		actors = append(actors, actorUnderTest{a, g})
	}
	work := func(ctx context.Context, g *gauge, d int) (int, error) {
		if err := g.enter(); err != nil {
			return 0, err
		}
		defer g.exit()
		select {
		case <-time.After(time.Duration(d) * time.Microsecond):
		case <-ctx.Done():
		}
		return d, nil
	}
	leaf := rt.Remote(func(d int) int { time.Sleep(time.Duration(d) * time.Microsecond); return d })
	nested := func(g *gauge, d int) (int, error) {
		if err := g.enter(); err != nil {
			return 0, err
		}
		defer g.exit()
		return Get(leaf.Remote(d)).(int), nil
	}
	var mu sync.Mutex
	var refs []ObjectRef
	add := func(r ObjectRef) { mu.Lock(); refs = append(refs, r); mu.Unlock() }
	submitter := rt.Remote(func(seed int64) int {
		r := rand.New(rand.NewSource(seed))
		for range 30 {
			x := actors[r.Intn(len(actors))]
			add(x.a.Remote(work, r.Intn(200)))
		}
		return 0
	})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Add(1)
		seed := rng.Int63()
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(seed))
			for i := range 60 {
				x := actors[r.Intn(len(actors))]
				switch i % 5 {
				case 0:
					add(x.a.Remote(work, leaf.Remote(r.Intn(300))))
				case 1:
					add(x.a.Remote(nested, r.Intn(100)))
				case 2:
					ref := x.a.Remote(work, r.Intn(500))
					add(ref)
					if r.Intn(2) == 0 {
						Cancel(ref)
					}
				case 3:
					add(submitter.Remote(r.Int63() + int64(w)))
				default:
					add(x.a.Remote(work, r.Intn(100)))
				}
			}
		}()
	}
	time.Sleep(5 * time.Millisecond)
	Kill(actors[3].a)
	wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Submitter tasks add refs as they run: check until no new ones appear.
	for checked := 0; ; {
		mu.Lock()
		all := append([]ObjectRef(nil), refs[checked:]...)
		mu.Unlock()
		if len(all) == 0 {
			break
		}
		checked += len(all)
		checkResolved(ctx, t, all)
	}
	for i, x := range actors {
		if x.g.top.Load() > x.g.max {
			t.Errorf("actor %d: %d calls ran at once, MaxConcurrency(%d)", i, x.g.top.Load(), x.g.max)
		}
		Kill(x.a)
	}
	eventually(t, "all CPUs back", func() bool { return rt.AvailableResources()[cpuKey] == 3 })
}

// checkResolved waits for refs: each must succeed, be cancelled or fail
// because its actor died.
func checkResolved(ctx context.Context, t *testing.T, refs []ObjectRef) {
	t.Helper()
	for _, r := range refs {
		if _, err := GetContext(ctx, r); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("%v never resolved", r)
			}
			if !errors.Is(err, ErrCancelled) && !errors.Is(err, ErrActorDied) {
				t.Errorf("%v: %v", r, err)
			}
		}
	}
}
