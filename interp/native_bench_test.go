package interp

import (
	"fmt"
	"os/exec"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// BenchmarkNativeTier measures the native tier side by side, once each
// (run with -benchtime 1x; each figure is the best of a few runs where it
// is repeatable):
//
//	go test -run '^$' -bench NativeTier -benchtime 1x ./interp/
//
// (-bench NativeTier/pi, …/fib, …/cell, …/goget or …/spawn runs one part.)
//
// Cold figures use an empty Go build cache (and, for %go get, an empty
// module cache), so they include compiling the standard library for the
// plugin build mode and downloading modules.
func BenchmarkNativeTier(b *testing.B) {
	if _, err := exec.LookPath("go"); err != nil {
		b.Skip("no go command on PATH")
	}
	parallel.Shutdown()
	defer parallel.Shutdown()
	s, err := New(Options{NativeDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	cell := func(code string) map[string]any {
		b.Helper()
		res, err := s.Execute(b.Context(), fmt.Sprint("bench-", time.Now().UnixNano()), code, newRecorder())
		if err != nil {
			b.Fatalf("%s: %v", code, err)
		}
		return res
	}
	best := func(n int, f func()) time.Duration {
		var min time.Duration
		for i := 0; i < n; i++ {
			start := time.Now()
			f()
			if d := time.Since(start); i == 0 || d < min {
				min = d
			}
		}
		return min
	}
	var b0 = b
	report := func(name string, v float64) { b0.ReportMetric(v, name) }
	b.Run("cell", func(b *testing.B) { b0 = b; benchCells(b, cell, best, report) })
	b.Run("fib", func(b *testing.B) { b0 = b; benchFibs(cell, best, report) })
	b.Run("pi", func(b *testing.B) { b0 = b; benchPiTasks(b, cell, best, report) })
	b.Run("goget", func(b *testing.B) { b0 = b; benchGoGet(b, best, report) })
	b.Run("spawn", func(b *testing.B) { b0 = b; benchSpawn(cell, report) })
}

type (
	cellFunc   func(code string) map[string]any
	bestFunc   func(n int, f func()) time.Duration
	reportFunc func(name string, v float64)
)

// benchCells: native cell compile latency, cold (empty build cache), then warm.
func benchCells(b *testing.B, cell cellFunc, best bestFunc, report reportFunc) {
	b.Setenv("GOCACHE", b.TempDir())
	report("cell-cold-ms", ms(best(1, func() { cell("%%native\nfunc Nop() {}") })))
	b.Setenv("GOCACHE", "")
	cell("%%native\nfunc Warmup() int { return 1 }")
	report("cell-warm-ms", ms(best(3, func() {
		cell("%%native\nimport \"strings\"\nfunc A(s string) string { return strings.ToUpper(s) }\nfunc B(x, y int) int { return x*y + 1 }\ntype T struct{ N int }\nfunc (t T) Twice() int { return 2 * t.N }")
	})))
}

// benchFibs: fib(27) interpreted, native, compiled.
func benchFibs(cell cellFunc, best bestFunc, report reportFunc) {
	cell(`func fibI(n int) int {
	if n < 2 {
		return n
	}
	return fibI(n-1) + fibI(n-2)
}`)
	cell("%%native\nfunc FibN(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn FibN(n-1) + FibN(n-2)\n}")
	report("fib27-interpreted-ms", ms(best(2, func() { cell("fibI(27)") })))
	report("fib27-native-ms", ms(best(5, func() { cell("FibN(27)") })))
	report("fib27-compiled-ms", ms(best(5, func() { fibSink = benchFib(27) })))
}

// benchPiTasks: Monte-Carlo π as 1 and 2 ray tasks, interpreted and native bodies.
func benchPiTasks(b *testing.B, cell cellFunc, best bestFunc, report reportFunc) {
	body := `(samples int, seed uint64) float64 {
	x := seed | 1
	inside := 0
	for i := 0; i < samples; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		a := float64(x>>11) / (1 << 53)
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b := float64(x>>11) / (1 << 53)
		if a*a+b*b <= 1 {
			inside++
		}
	}
	return 4 * float64(inside) / float64(samples)
}`
	cell("func piI" + body)
	cell("%%native\nfunc PiN" + body)
	cell(`ray.Init(ray.NumCPUs(2))
func piTasks(rf *ray.RemoteFunction, tasks, samples int) {
	var refs []ray.ObjectRef
	for t := 0; t < tasks; t++ {
		refs = append(refs, rf.Remote(samples/tasks, uint64(t+1)))
	}
	ray.GetAll(refs...)
}`)
	for _, c := range []struct {
		name, f string
		samples int
	}{{"interpreted-2M", "piI", 2_000_000}, {"native-2M", "PiN", 2_000_000}} {
		t1 := best(3, func() { cell(fmt.Sprintf("piTasks(ray.Remote(%s), 1, %d)", c.f, c.samples)) })
		t2 := best(3, func() { cell(fmt.Sprintf("piTasks(ray.Remote(%s), 2, %d)", c.f, c.samples)) })
		report("pi-"+c.name+"-1task-ms", ms(t1))
		report("pi-"+c.name+"-2tasks-ms", ms(t2))
		report("pi-"+c.name+"-scaling", float64(t1)/float64(t2))
	}
	piScaling(b, cell, report)
}

// piScaling prints the π scaling table: 200M samples as 1 and as 2 native
// ray tasks, side by side with the same compiled body on 1 and 2 plain
// goroutines of the test binary, each with its wall time (best of 3), the
// process CPU time of that run and CPUs busy (CPU / wall). On an idle
// 2-CPU machine both pairs scale close to 2× with about 2 CPUs busy; when
// the plain goroutines do not scale either, the machine is loaded and the
// figures measure the load, not warren.
func piScaling(b *testing.B, cell cellFunc, report reportFunc) {
	const samples = 200_000_000
	type run struct{ wall, cpu time.Duration }
	measure := func(f func()) run {
		var best run
		for i := 0; i < 3; i++ {
			c0, w0 := cpuTime(), time.Now()
			f()
			r := run{time.Since(w0), cpuTime() - c0}
			if i == 0 || r.wall < best.wall {
				best = r
			}
		}
		return best
	}
	goroutines := func(n int) func() {
		return func() {
			done := make(chan struct{})
			for i := 0; i < n; i++ {
				go func(seed uint64) {
					piSink.Add(uint64(benchPi(samples/n, seed) * 1e6))
					done <- struct{}{}
				}(uint64(i + 1))
			}
			for i := 0; i < n; i++ {
				<-done
			}
		}
	}
	rows := []struct {
		name string
		r    run
	}{
		{"native, 1 ray task", measure(func() { cell(fmt.Sprintf("piTasks(ray.Remote(PiN), 1, %d)", samples)) })},
		{"native, 2 ray tasks", measure(func() { cell(fmt.Sprintf("piTasks(ray.Remote(PiN), 2, %d)", samples)) })},
		{"compiled, 1 goroutine", measure(goroutines(1))},
		{"compiled, 2 goroutines", measure(goroutines(2))},
	}
	var t strings.Builder
	fmt.Fprintf(&t, "Monte-Carlo π, %d samples (GOMAXPROCS %d, NumCPUs(2)):\n", samples, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&t, "  %-24s %10s %10s %10s %10s\n", "", "wall", "CPU", "CPUs busy", "1 → 2")
	for i, r := range rows {
		speed := ""
		if i%2 == 1 {
			speed = fmt.Sprintf("%.2f×", float64(rows[i-1].r.wall)/float64(r.r.wall))
		}
		fmt.Fprintf(&t, "  %-24s %8.0f ms %8.0f ms %10.2f %10s\n", r.name, ms(r.r.wall), ms(r.r.cpu), float64(r.r.cpu)/float64(r.r.wall), speed)
	}
	t.WriteString("  (goal: native 1 → 2 tasks ≥ 1.8×; compare with the goroutines: when they do not scale, the machine is busy)")
	b.Log("\n" + t.String())
	report("pi-native-200M-1task-ms", ms(rows[0].r.wall))
	report("pi-native-200M-2tasks-ms", ms(rows[1].r.wall))
	report("pi-native-200M-scaling", float64(rows[0].r.wall)/float64(rows[1].r.wall))
	report("pi-native-200M-2tasks-cpus", float64(rows[1].r.cpu)/float64(rows[1].r.wall))
	report("pi-goroutines-200M-2-cpus", float64(rows[3].r.cpu)/float64(rows[3].r.wall))
	report("pi-goroutines-200M-scaling", float64(rows[2].r.wall)/float64(rows[3].r.wall))
}

// benchGoGet: %go get of a small module and its import, cold (empty module
// and build caches), then cached (a new session on the same workspace).
func benchGoGet(b *testing.B, best bestFunc, report reportFunc) {
	dir := b.TempDir()
	b.Setenv("GOCACHE", b.TempDir())
	b.Setenv("GOMODCACHE", b.TempDir())
	b.Setenv("GOFLAGS", "-modcacherw")
	s2, err := New(Options{NoHost: true, NativeDir: dir})
	if err != nil {
		b.Fatal(err)
	}
	get := "%go get github.com/dustin/go-humanize@v1.1.0\nimport \"github.com/dustin/go-humanize\"\nhumanize.Bytes(1000)"
	run := func(s *Session) {
		res, err := s.Execute(b.Context(), fmt.Sprint("get-", time.Now().UnixNano()), get, newRecorder())
		if err != nil || !strings.Contains(plain(res), "1.0 kB") {
			b.Fatalf("%%go get: %v %v", plain(res), err)
		}
	}
	report("goget-cold-ms", ms(best(1, func() { run(s2) })))
	s2.Close()
	report("goget-cached-ms", ms(best(1, func() {
		s3, err := New(Options{NoHost: true, NativeDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		defer s3.Close()
		run(s3)
	})))
}

// benchSpawn: the CPU cost of a go statement in native code (routed
// through package cellrt, so that a panic does not end the session)
// against the same go statement compiled in the test binary, per
// goroutine, best of 3 runs of 200,000 goroutines. CPU time rather than
// wall time, so that a loaded machine matters less.
func benchSpawn(cell cellFunc, report reportFunc) {
	const n = 200_000
	cell("%%native\nimport \"sync\"\nfunc spawnWork(wg *sync.WaitGroup, i int) { defer wg.Done(); _ = i * 2 }\nfunc Spawn(n int) { var wg sync.WaitGroup; for i := 0; i < n; i++ { wg.Add(1); go spawnWork(&wg, i) }; wg.Wait() }")
	cpu := func(f func()) time.Duration {
		var min time.Duration
		for i := 0; i < 3; i++ {
			c0 := cpuTime()
			f()
			if d := cpuTime() - c0; i == 0 || d < min {
				min = d
			}
		}
		return min
	}
	native := cpu(func() { cell(fmt.Sprintf("Spawn(%d)", n)) })
	compiled := cpu(func() {
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go spawnWork(&wg, i)
		}
		wg.Wait()
	})
	report("spawn-native-cpu-ns/goroutine", float64(native.Nanoseconds())/n)
	report("spawn-compiled-cpu-ns/goroutine", float64(compiled.Nanoseconds())/n)
}

func spawnWork(wg *sync.WaitGroup, i int) { defer wg.Done(); _ = i * 2 }

var piSink atomic.Uint64

// benchPi is the π body as compiled Go.
func benchPi(samples int, seed uint64) float64 {
	x := seed | 1
	inside := 0
	for i := 0; i < samples; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		a := float64(x>>11) / (1 << 53)
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b := float64(x>>11) / (1 << 53)
		if a*a+b*b <= 1 {
			inside++
		}
	}
	return 4 * float64(inside) / float64(samples)
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

var fibSink int

func benchFib(n int) int {
	if n < 2 {
		return n
	}
	return benchFib(n-1) + benchFib(n-2)
}
