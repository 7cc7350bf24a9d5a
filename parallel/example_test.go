package parallel_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	ray "github.com/warren-go/warren/parallel"
)

// Remote functions run as tasks; Get and GetAll collect their results.
func Example() {
	ray.Init(ray.NumCPUs(4))
	defer ray.Shutdown()

	square := ray.Remote(func(x int) int { return x * x })
	var refs []ray.ObjectRef
	for i := range 4 {
		refs = append(refs, square.Remote(i))
	}
	fmt.Println(ray.GetAll(refs...))
	// Output: [0 1 4 9]
}

// Passing a ref as an argument makes a dependency: the task runs once the
// value is ready, and receives the value.
func ExampleRemoteFunction_Remote_dependencies() {
	rt := ray.New(ray.NumCPUs(2))
	defer rt.Shutdown()

	load := rt.Remote(func(name string) []float64 { return []float64{1, 2, 3} })
	normalize := rt.Remote(func(xs []float64) []float64 {
		out := make([]float64, len(xs))
		for i, x := range xs {
			out[i] = x / 3
		}
		return out
	})
	sum := rt.Remote(func(xs []float64) float64 {
		s := 0.0
		for _, x := range xs {
			s += x
		}
		return s
	})
	fmt.Println(ray.Get(sum.Remote(normalize.Remote(load.Remote("a.csv")))))
	// Output: 2
}

// A task may submit tasks and wait for them; while it waits it gives back its
// CPU, so this works even on one CPU.
func ExampleGet_nested() {
	rt := ray.New(ray.NumCPUs(1))
	defer rt.Shutdown()

	gradient := rt.Remote(func(data, model int) int { return 1 })
	train := rt.Remote(func(rounds int) int {
		model := 0
		for range rounds {
			for _, g := range ray.GetAll(gradient.Remote(0, model), gradient.Remote(1, model)) {
				model += g.(int)
			}
		}
		return model
	})
	fmt.Println(ray.GetAll(train.Remote(10), train.Remote(10), train.Remote(10)))
	// Output: [20 20 20]
}

// A failed task reports a *TaskError that unwraps to the original error.
func ExampleTaskError() {
	rt := ray.New()
	defer rt.Shutdown()

	errNoData := errors.New("no data")
	parse := rt.Remote(func(s string) (int, error) {
		if s == "" {
			return 0, errNoData
		}
		return len(s), nil
	}).Options(ray.TaskName("parse"))

	_, err := ray.GetContext(context.Background(), parse.Remote(""))
	var te *ray.TaskError
	fmt.Println(errors.As(err, &te), te.Name, te.Message, errors.Is(err, errNoData))
	// Output: true parse no data true
}

// Wait returns the refs that are ready, in input order.
func ExampleWait() {
	rt := ray.New(ray.NumCPUs(2))
	defer rt.Shutdown()

	sleep := rt.Remote(func(d time.Duration) time.Duration { time.Sleep(d); return d })
	fast, slow := sleep.Remote(time.Millisecond), sleep.Remote(time.Hour)
	ready, notReady := ray.Wait([]ray.ObjectRef{slow, fast}, 1, -1)
	fmt.Println(ready[0] == fast, notReady[0] == slow)
	ray.Cancel(slow)
	// Output: true true
}

// A task taking a context.Context as first parameter gets one from the
// runtime; Cancel cancels it.
func ExampleCancel() {
	rt := ray.New()
	defer rt.Shutdown()

	started := make(chan struct{})
	worker := rt.Remote(func(ctx context.Context, n int) int {
		close(started)
		<-ctx.Done()
		return n
	})
	ref := worker.Remote(7)
	<-started
	ray.Cancel(ref)
	_, err := ray.GetContext(context.Background(), ref)
	fmt.Println(errors.Is(err, context.Canceled))
	// Output: true
}

// NumReturns splits a multi-result function into one ref per result.
func ExampleNumReturns() {
	rt := ray.New()
	defer rt.Shutdown()

	divmod := rt.Remote(func(a, b int) (int, int) { return a / b, a % b })
	refs := divmod.Options(ray.NumReturns(2)).RemoteN(17, 5)
	fmt.Println(ray.Get(refs[0]), ray.Get(refs[1]), ray.Get(divmod.Remote(17, 5)))
	// Output: 3 2 [3 2]
}

// Custom resources limit tasks beyond CPUs.
func ExampleResources() {
	rt := ray.New(ray.NumCPUs(8), ray.Resources(map[string]float64{"GPU": 1}))
	defer rt.Shutdown()

	onGPU := rt.Remote(func() string { return "trained" }).Options(ray.TaskResources(map[string]float64{"GPU": 1}))
	fmt.Println(ray.Get(onGPU.Remote()), rt.ClusterResources()["GPU"])
	// Output: trained 1
}

// An actor keeps state between calls; each call is a function of the state.
func ExampleNewActor() {
	rt := ray.New(ray.NumCPUs(2))
	defer rt.Shutdown()

	type counter struct{ n int }
	c := rt.NewActor(func() *counter { return &counter{} }, ray.ActorName("counter"))

	incr := func(s *counter) int { s.n++; return s.n }
	refs := []ray.ObjectRef{c.Remote(incr), c.Remote(incr), c.Remote(incr)}
	fmt.Println(ray.GetAll(refs...))

	// Found by name, from anywhere in the program; arguments follow the function.
	same, _ := rt.GetActor("counter")
	fmt.Println(ray.Get(same.Remote(func(s *counter, k int) int { s.n += k; return s.n }, 10)))

	ray.Kill(c)
	_, err := ray.GetContext(context.Background(), c.Remote(incr))
	fmt.Println(errors.Is(err, ray.ErrActorDied))
	// Output:
	// [1 2 3]
	// 13
	// true
}
