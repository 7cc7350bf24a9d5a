package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// The test binary is also the workers: with WARREN_TEST_WORKER set to a
// head's URL, TestMain runs a worker with testRegistry instead of tests.
// With WARREN_TEST_WORKER_PROFILE set to a directory, each worker writes
// a CPU profile of its first 2 s there (worker-PID.prof), for example
// during BenchmarkTrivialTasks.

func testRegistry() *Registry {
	r := NewRegistry()
	r.Register("square", func(x int) int { return x * x })
	r.Register("add", func(x, y int) int { return x + y })
	r.Register("sum", func(xs []int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})
	r.Register("fail", func(msg string) (int, error) { return 0, errors.New(msg) })
	r.Register("sleep", func(ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return ms })
	r.Register("pid", func() int { return os.Getpid() })
	r.Register("nested", func(x int) int {
		sq := parallel.Remote(squareOf)
		return parallel.Get(sq.Remote(x)).(int) + 1
	})
	r.Register("squareOf", squareOf)
	r.Register("markRun", markRun)
	r.Register("markRunNested", markRunNested)
	// slowPid marks that it started (a file named by its pid in dir), then
	// sleeps and returns its worker's pid.
	r.Register("slowPid", func(dir string, ms int) int {
		_ = os.WriteFile(filepath.Join(dir, strconv.Itoa(os.Getpid())), nil, 0o644)
		time.Sleep(time.Duration(ms) * time.Millisecond)
		return os.Getpid()
	})
	r.Register("point", func(p point) point { return point{X: p.Y, Y: p.X} })
	r.Register("anyArg", func(v any) string { return fmt.Sprintf("%T %v", v, v) })
	r.Register("pair", func(x int) (int, string) { return x, strconv.Itoa(x) })
	r.Register("noop", func() {})
	r.Register("count", func(xs []any) int { return len(xs) })
	r.Register("inc", inc)
	// untilCancelled waits for its context, then marks dir.
	r.Register("untilCancelled", func(ctx context.Context, dir string) int {
		_ = os.WriteFile(filepath.Join(dir, "started"), nil, 0o644)
		<-ctx.Done()
		_ = os.WriteFile(filepath.Join(dir, "cancelled"), nil, 0o644)
		return 0
	})
	r.Register("slowSquare", func(x, ms int) int { time.Sleep(time.Duration(ms) * time.Millisecond); return x * x })
	registerRefFuncs(r)
	registerDriverFuncs(r)
	registerActorFuncs(r)
	r.Register("iota", func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i
		}
		return s
	})
	return r
}

func squareOf(x int) int { return x * x }

func inc(x int) int { return x + 1 }

type point struct{ X, Y int }

func TestMain(m *testing.M) {
	if spec := os.Getenv("WARREN_TEST_HEAD"); spec != "" { // name, listen, cluster listen, store, routes...
		f := strings.Split(spec, ",")
		_, err := StartHead(HeadOptions{Name: f[0], Listen: f[1], ClusterListen: f[2], StoreDir: f[3], Routes: f[4:]})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		select {} // until killed
	}
	if spec := os.Getenv("WARREN_TEST_DRIVER"); spec != "" { // head URL, dir
		runTestDriver(spec)
	}
	if addr := os.Getenv("WARREN_TEST_WORKER"); addr != "" {
		if dir := os.Getenv("WARREN_TEST_WORKER_PROFILE"); dir != "" {
			f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("worker-%d.prof", os.Getpid())))
			_ = pprof.StartCPUProfile(f)
			time.AfterFunc(2*time.Second, pprof.StopCPUProfile)
		}
		cpus, _ := strconv.Atoi(os.Getenv("WARREN_TEST_CPUS"))
		var res map[string]float64
		if name := os.Getenv("WARREN_TEST_RESOURCE"); name != "" {
			res = map[string]float64{name: 1}
		}
		ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
		defer stop()
		err := RunWorker(ctx, addr, WorkerOptions{CPUs: cpus, Resources: res, Loader: testRegistry(),
			Logf: func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) }})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testCluster is a head in the test process and workers as subprocesses.
type testCluster struct {
	t       testing.TB
	head    *Head
	store   string
	mu      sync.Mutex
	workers []*exec.Cmd
}

func startCluster(t testing.TB) *testCluster {
	t.Helper()
	tc := &testCluster{t: t, store: t.TempDir()}
	h, err := StartHead(HeadOptions{Listen: "127.0.0.1:0", StoreDir: tc.store})
	if err != nil {
		t.Fatal(err)
	}
	tc.head = h
	t.Cleanup(func() {
		tc.mu.Lock()
		for _, w := range tc.workers {
			_ = w.Process.Kill()
			_ = w.Wait()
		}
		tc.mu.Unlock()
		tc.head.Shutdown()
	})
	return tc
}

// startWorker starts a worker process with cpus CPUs.
func (tc *testCluster) startWorker(cpus int) *exec.Cmd {
	tc.t.Helper()
	cmd := startProcess(tc.t, "WARREN_TEST_WORKER="+tc.head.URL(), "WARREN_TEST_CPUS="+strconv.Itoa(cpus))
	tc.mu.Lock()
	tc.workers = append(tc.workers, cmd)
	tc.mu.Unlock()
	return cmd
}

// startProcess starts this test binary with env added (see TestMain);
// it is killed at the end of the test.
func startProcess(t testing.TB, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// connect returns a runtime connected to the cluster once n workers are up.
func (tc *testCluster) connect(n int) (*parallel.Runtime, *Client) {
	tc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := Connect(ctx, tc.head.URL(), testRegistry())
	if err != nil {
		tc.t.Fatal(err)
	}
	for {
		cl.mu.Lock()
		up := len(cl.workers)
		cl.mu.Unlock()
		if up >= n {
			break
		}
		if ctx.Err() != nil {
			tc.t.Fatalf("only %d of %d workers came up", up, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rt := parallel.New(parallel.WithBackend(tc.head.URL(), cl))
	tc.t.Cleanup(rt.Shutdown)
	return rt, cl
}

func get(t *testing.T, r parallel.ObjectRef) any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	v, err := parallel.GetContext(ctx, r)
	if err != nil {
		t.Fatalf("Get %v: %v", r, err)
	}
	return v
}

// registryFunc returns the function reg registers under a name.
func registryFunc(t *testing.T, reg *Registry) func(name string) any {
	return func(name string) any {
		v, err := reg.Load(context.Background(), FuncRef{Name: name}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v.Interface()
	}
}

// dialHead starts a head and returns it and a connection to it, with a
// context that ends with the test (or after 30 s).
func dialHead(t *testing.T) (*Head, *conn, context.Context) {
	t.Helper()
	h, err := StartHead(HeadOptions{Listen: "127.0.0.1:0", StoreDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Shutdown)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	c, err := dial(ctx, h.URL(), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.close)
	return h, c, ctx
}
