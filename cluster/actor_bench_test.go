package cluster

import (
	"context"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// BenchmarkActorCalls measures calls/s of a trivial actor call (the
// counter's increment), submitted all at once by one driver and collected
// with GetAll, in process and on a cluster of a head and one 2-CPU worker
// process; and the round trip of one call (submit, then Get) on the
// cluster.
//
//	go test ./cluster -run '^$' -bench ActorCalls -benchtime 5000x
func BenchmarkActorCalls(b *testing.B) {
	reg := testRegistry()
	fn := func(name string) any {
		v, err := reg.Load(context.Background(), FuncRef{Name: name}, nil)
		if err != nil {
			b.Fatal(err)
		}
		return v.Interface()
	}
	batch := func(b *testing.B, rt *parallel.Runtime) {
		a := rt.NewActor(fn("counterNew"))
		incr := fn("counterIncr")
		parallel.Get(a.Remote(incr))
		refs := make([]parallel.ObjectRef, b.N)
		b.ResetTimer()
		start := time.Now()
		for i := range refs {
			refs[i] = a.Remote(incr)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if _, err := parallel.GetAllContext(ctx, refs...); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "calls/s")
	}
	b.Run("in-process", func(b *testing.B) {
		rt := parallel.New(parallel.NumCPUs(2))
		defer rt.Shutdown()
		batch(b, rt)
	})
	tc := startCluster(b)
	tc.startWorker(2)
	rt, _ := tc.connect(1)
	b.Run("cluster", func(b *testing.B) { batch(b, rt) })
	b.Run("cluster-roundtrip", func(b *testing.B) {
		a := rt.NewActor(fn("counterNew"))
		incr := fn("counterIncr")
		parallel.Get(a.Remote(incr))
		b.ResetTimer()
		for range b.N {
			parallel.Get(a.Remote(incr))
		}
	})
}
