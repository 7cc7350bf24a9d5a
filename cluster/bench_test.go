package cluster

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// BenchmarkTrivialTasks measures tasks/s for trivial tasks (x → x+1),
// submitted all at once by one driver and then collected with GetAll: in
// process (4 CPUs) and on a cluster of a head and two worker processes of
// 2 or 8 CPUs each (a worker pulls as many tasks as it has free CPUs),
// side by side.
//
//	go test ./cluster -run '^$' -bench TrivialTasks -benchtime 20000x
func BenchmarkTrivialTasks(b *testing.B) {
	reg := testRegistry()
	run := func(b *testing.B, rt *parallel.Runtime, head *Head) {
		f := rt.Remote(inc)
		refs := make([]parallel.ObjectRef, b.N)
		in, out := head.messages()
		b.ResetTimer()
		start := time.Now()
		for i := range refs {
			refs[i] = f.Remote(i)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
		defer cancel()
		if _, err := parallel.GetAllContext(ctx, refs...); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tasks/s")
		if head != nil {
			in2, out2 := head.messages()
			b.ReportMetric(float64(in2-in)/float64(b.N), "msgs-in/task")
			b.ReportMetric(float64(out2-out)/float64(b.N), "msgs-out/task")
		}
	}
	b.Run("in-process", func(b *testing.B) {
		rt := parallel.New(parallel.NumCPUs(4))
		defer rt.Shutdown()
		run(b, rt, nil)
	})
	for _, cpus := range []int{2, 8} {
		b.Run(fmt.Sprintf("cluster-2x%d", cpus), func(b *testing.B) {
			tc := startCluster(b)
			tc.startWorker(cpus)
			tc.startWorker(cpus)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cl, err := Connect(ctx, tc.head.URL(), reg)
			if err != nil {
				b.Fatal(err)
			}
			for {
				cl.mu.Lock()
				up := len(cl.workers)
				cl.mu.Unlock()
				if up >= 2 || ctx.Err() != nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			rt := parallel.New(parallel.WithBackend(tc.head.URL(), cl))
			defer rt.Shutdown()
			run(b, rt, tc.head)
		})
	}
}

// BenchmarkFourSleeps is exercise 1's shape on a cluster: four tasks of
// 1 s on two workers of 2 CPUs; the metric is the wall time of the four.
//
//	go test ./cluster -run '^$' -bench FourSleeps -benchtime 5x
func BenchmarkFourSleeps(b *testing.B) {
	tc := startCluster(b)
	tc.startWorker(2)
	tc.startWorker(2)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	reg := testRegistry()
	cl, err := Connect(ctx, tc.head.URL(), reg)
	if err != nil {
		b.Fatal(err)
	}
	for {
		cl.mu.Lock()
		up := len(cl.workers)
		cl.mu.Unlock()
		if up >= 2 || ctx.Err() != nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt := parallel.New(parallel.WithBackend(tc.head.URL(), cl))
	defer rt.Shutdown()
	sleep, _ := reg.Load(ctx, FuncRef{Name: "sleep"}, nil)
	f := rt.Remote(sleep.Interface())
	var worst time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		refs := []parallel.ObjectRef{f.Remote(1000), f.Remote(1000), f.Remote(1000), f.Remote(1000)}
		if _, err := parallel.GetAllContext(ctx, refs...); err != nil {
			b.Fatal(err)
		}
		worst = max(worst, time.Since(start))
	}
	b.ReportMetric(worst.Seconds(), "worst-s")
}

// messages returns how many messages the head has received from its
// clients and sent to them (core NATS messages: publications, JetStream
// API requests and acks in; deliveries and replies out); zero for nil.
func (h *Head) messages() (in, out int64) {
	if h == nil {
		return 0, 0
	}
	v, err := h.srv.Varz(nil)
	if err != nil {
		return 0, 0
	}
	return v.InMsgs, v.OutMsgs
}
