package main

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warren-go/warren/interp"
	"github.com/warren-go/warren/parallel"
)

// startCluster starts `warren head` and n `warren worker --cpus cpus`
// processes on 127.0.0.1 and returns the head's URL.
func startCluster(t testing.TB, n, cpus int) string {
	t.Helper()
	url, _ := startClusterProcs(t, n, cpus)
	return url
}

// startClusterProcs is startCluster that also returns the worker processes.
func startClusterProcs(t testing.TB, n, cpus int) (string, []*exec.Cmd) {
	t.Helper()
	url := startHead(t)
	var workers []*exec.Cmd
	for range n {
		workers = append(workers, startWarren(t, io.Discard, "worker", "--address", url, "--cpus", fmt.Sprint(cpus)))
	}
	return url, workers
}

// clusterDriver returns a notebook session whose ray runtime is connected
// to the cluster at url, as ray.Init(ray.Address(url)) in a cell does.
func clusterDriver(t testing.TB, url string) *interp.Session {
	t.Helper()
	parallel.Shutdown()
	s, err := interp.New(interp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	registerCluster(s)
	t.Cleanup(func() {
		parallel.Shutdown()
		_ = s.Close()
		parallel.SetDialer(nil)
	})
	parallel.Init(parallel.NumCPUs(4), parallel.Address(url))
	return s
}

// shipOutput collects a cell's output.
type shipOutput struct {
	mu sync.Mutex
	b  strings.Builder
}

func (o *shipOutput) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.b.WriteString(text)
}

func (o *shipOutput) Display(data, metadata map[string]any) {}

func execCell(t testing.TB, s *interp.Session, code string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out := &shipOutput{}
	res, err := s.Execute(ctx, fmt.Sprintf("cell-%d", time.Now().UnixNano()), code, out)
	text, _ := res["text/plain"].(string)
	return text, err
}

func mustCell(t testing.TB, s *interp.Session, code string) string {
	t.Helper()
	v, err := execCell(t, s, code)
	if err != nil {
		t.Fatalf("cell %q: %v", code, err)
	}
	return v
}

// A notebook's functions run on worker processes that replay its
// declarations, with ray.Init(ray.Address(…)) in a cell of the kernel's
// session process and a head and two 2-CPU workers as processes on
// 127.0.0.1: exercise 1's pattern (four 1-second tasks on two 2-CPU
// workers), exercise 3's nested tasks (a task submitting tasks of a
// remote function declared by a variable), refs inside values, and a
// refusal at submit.
func TestClusterShipsCells(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := startCluster(t, 2, 2)
	// The kernel's session process, as a notebook runs it.
	rs := testSession(t, &syncBuffer{})
	cell, ok := cellRunner(t, rs, "ship")
	ok(fmt.Sprintf("ray.Init(ray.NumCPUs(4), ray.Address(%q))", url))
	ok(`import (
	"os"
	"time"
)`)
	ok(`var slowFunction = ray.Remote(func(i int) int {
	time.Sleep(1 * time.Second)
	return i * 10
})`)
	got := ok(`var refs []ray.ObjectRef
for i := 0; i < 4; i++ {
	refs = append(refs, slowFunction.Remote(i))
}
ray.GetAll(refs...)`)
	if got != "[0 10 20 30]" {
		t.Errorf("exercise 1's results = %s, want [0 10 20 30]", got)
	}
	// The tasks ran in other processes.
	driver := ok(`os.Getpid()`)
	got = ok(`ray.Get(ray.Remote(func() int { return os.Getpid() }).Remote())`)
	if got == driver || got == "" {
		t.Errorf("a task ran in the driver's process (pid %s)", got)
	}
	// Exercise 3: a task submits tasks of a remote function held by a
	// variable; the worker replays that variable.
	ok(`const iterations = 3

var computeGradient = ray.Remote(func(data, currentModel int) int {
	return data + currentModel
})

var trainModel = ray.Remote(func(hyperparameters map[string]float64) int {
	currentModel := 0
	for i := 0; i < iterations; i++ {
		var refs []ray.ObjectRef
		for j := 0; j < 2; j++ {
			refs = append(refs, computeGradient.Remote(j, currentModel))
		}
		for _, g := range ray.GetAll(refs...) {
			currentModel += g.(int)
		}
	}
	return currentModel + int(hyperparameters["bias"])
})`)
	got = ok(`ray.GetAll(trainModel.Remote(map[string]float64{"bias": 0}), trainModel.Remote(map[string]float64{"bias": 100}))`)
	// Each iteration: model += (0+m) + (1+m) = 2m+1: 0 → 1 → 4 → 13.
	if got != "[13 113]" {
		t.Errorf("exercise 3's results = %s, want [13 113]", got)
	}
	// Values of a cell's struct type travel both ways.
	ok(`type Point struct{ X, Y int }

func mid(a, b Point) Point { return Point{(a.X + b.X) / 2, (a.Y + b.Y) / 2} }`)
	if got := ok(`ray.Get(ray.Remote(mid).Remote(Point{0, 0}, Point{4, 6}))`); got != "{2 3}" {
		t.Errorf("mid on a worker = %s, want {2 3}", got)
	}
	// Refs inside values: a task returns the refs of tasks it submitted
	// (the driver gets them all), and a task takes a slice of the driver's
	// refs (a task's and a Put value's) and gets them.
	ok(`var spawn = ray.Remote(func(n int) []ray.ObjectRef {
	var refs []ray.ObjectRef
	for i := 0; i < n; i++ {
		refs = append(refs, computeGradient.Remote(i, 10))
	}
	return refs
})

func total(refs []ray.ObjectRef) int {
	s := 0
	for _, v := range ray.GetAll(refs...) {
		s += v.(int)
	}
	return s
}`)
	if got := ok(`inner := ray.Get(spawn.Remote(3)).([]ray.ObjectRef)
ray.GetAll(inner...)`); got != "[10 11 12]" {
		t.Errorf("GetAll of the refs a task returned = %s, want [10 11 12]", got)
	}
	if got := ok(`ray.Get(ray.Remote(total).Remote([]ray.ObjectRef{computeGradient.Remote(1, 2), ray.Put(4)}))`); got != "7" {
		t.Errorf("total of a slice of the driver's refs = %s, want 7", got)
	}
	// A function that closes over a driver variable is refused at submit.
	_, err := cell(`ch := make(chan int)
ray.Get(ray.Remote(func() int { return <-ch }).Remote())`)
	if err == nil || !strings.Contains(err.Error(), "uses the top-level variable ch") || !strings.Contains(err.Error(), "a chan int, is not made of Go's predeclared types") {
		t.Errorf("closure over a driver channel: %v, want a refusal naming ch", err)
	}
}

// BenchmarkClusterExercise1 measures exercise 1 on a cluster: four
// 1-second tasks on two 2-CPU worker processes, submitted from a notebook
// session (the in-process runtime takes 1.0 s).
func BenchmarkClusterExercise1(b *testing.B) {
	url := startCluster(b, 2, 2)
	s := clusterDriver(b, url)
	mustCell(b, s, `import "time"

var slowFunction = ray.Remote(func(i int) int {
	time.Sleep(1 * time.Second)
	return i
})`)
	// Warm up: both workers load the function.
	mustCell(b, s, `ray.GetAll(slowFunction.Remote(0), slowFunction.Remote(1), slowFunction.Remote(2), slowFunction.Remote(3))`)
	b.ResetTimer()
	var slowest time.Duration
	for b.Loop() {
		start := time.Now()
		got := mustCell(b, s, `ray.GetAll(slowFunction.Remote(0), slowFunction.Remote(1), slowFunction.Remote(2), slowFunction.Remote(3))`)
		if got != "[0 1 2 3]" {
			b.Fatalf("results %s", got)
		}
		slowest = max(slowest, time.Since(start))
	}
	b.ReportMetric(slowest.Seconds(), "s-slowest")
}

// BenchmarkClusterTrivialCellTasks measures trivial tasks of a function a
// cell declared, submitted by a cell to two 2-CPU worker processes: the
// cost of shipping (cached after the first submit) plus the transport.
func BenchmarkClusterTrivialCellTasks(b *testing.B) {
	url := startCluster(b, 2, 2)
	s := clusterDriver(b, url)
	mustCell(b, s, `func inc(x int) int { return x + 1 }

var incTask = ray.Remote(inc)`)
	mustCell(b, s, `ray.Get(incTask.Remote(1))`) // the workers load inc
	const n = 1000
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		got := mustCell(b, s, fmt.Sprintf(`refs := make([]ray.ObjectRef, %d)
for i := range refs {
	refs[i] = incTask.Remote(i)
}
len(ray.GetAll(refs...))`, n))
		if got != fmt.Sprint(n) {
			b.Fatalf("got %s", got)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "tasks/s")
}

// cellRunner returns functions that run cells in the session process rs,
// named prefix-1, prefix-2, …: cell returns the cell's text/plain result
// and error, ok fails the test on an error. Each cell may take up to 3
// minutes (a worker that died leaves its tasks queued).
func cellRunner(t *testing.T, rs *remoteSession, prefix string) (cell func(code string) (string, error), ok func(code string) string) {
	n := 0
	cell = func(code string) (string, error) {
		n++
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		data, err := rs.Execute(ctx, fmt.Sprintf("%s-%d", prefix, n), code, &recOutput{})
		text, _ := data["text/plain"].(string)
		return text, err
	}
	ok = func(code string) string {
		t.Helper()
		v, err := cell(code)
		if err != nil {
			t.Fatalf("cell %q: %v", code, err)
		}
		return v
	}
	return cell, ok
}
