package cluster

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
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
	run := func(b *testing.B, rt *parallel.Runtime, tc *testCluster) {
		f := rt.Remote(inc)
		refs := make([]parallel.ObjectRef, b.N)
		in, out := tc.messages()
		cpu := tc.cpuTime()
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
		if cpu2 := tc.cpuTime(); cpu > 0 && cpu2 > 0 {
			b.ReportMetric(float64((cpu2-cpu)/time.Microsecond)/float64(b.N), "cpu-µs/task")
		}
		if tc != nil {
			in2, out2 := tc.messages()
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
			run(b, rt, tc)
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
func (tc *testCluster) messages() (in, out int64) {
	if tc == nil {
		return 0, 0
	}
	v, err := tc.head.srv.Varz(nil)
	if err != nil {
		return 0, 0
	}
	return v.InMsgs, v.OutMsgs
}

// cpuTime returns the CPU time (user and system) used so far by this
// process (the driver, and the head of tc) and by tc's worker processes,
// read from /proc; 0 if it cannot be read.
func (tc *testCluster) cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	total := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	if tc == nil {
		return total
	}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	for _, w := range tc.workers {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", w.Process.Pid))
		if err != nil {
			return 0
		}
		// Fields 14 and 15, after the command in parentheses: utime and
		// stime in clock ticks (USER_HZ, 100 a second on Linux).
		f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(f) < 13 {
			return 0
		}
		ut, err1 := strconv.ParseInt(f[11], 10, 64)
		st, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			return 0
		}
		total += time.Duration(ut+st) * 10 * time.Millisecond
	}
	return total
}
