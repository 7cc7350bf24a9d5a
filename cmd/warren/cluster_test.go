package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/cluster"
	"github.com/warren-go/warren/parallel"
)

// dispatchEnv makes this test binary run `warren` with the arguments it
// holds (separated by U+001F; see TestMain).
const dispatchEnv = "WARREN_TEST_DISPATCH"

// startWarren starts this test binary as `warren args...` and returns the
// process, which is stopped at the end of the test or benchmark.
func startWarren(t testing.TB, stdout io.Writer, args ...string) *exec.Cmd {
	t.Helper()
	return startWarrenEnv(t, stdout, nil, args...)
}

// startWarrenEnv is startWarren with env added to the process's
// environment.
func startWarrenEnv(t testing.TB, stdout io.Writer, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), env...), dispatchEnv+"="+strings.Join(args, "\x1f"))
	cmd.Stdout, cmd.Stderr = stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return cmd
}

// TestHeadAndWorkerCommands runs `warren head` and `warren worker` as
// processes and a driver in the test: a task reaches the worker, which has
// no compiled functions, so it fails saying so; a request for more
// resources than the worker offers fails at submit.
func TestHeadAndWorkerCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	url := startHead(t)
	startWarren(t, io.Discard, "worker", "--address", url, "--cpus", "2", "--resources", "GPU=1")

	reg := cluster.NewRegistry()
	reg.Register("square", func(x int) int { return x * x })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cl, err := cluster.Connect(ctx, url, reg)
	if err != nil {
		t.Fatal(err)
	}
	rt := parallel.New(parallel.WithBackend(url, cl))
	defer rt.Shutdown()
	square := rt.Remote(mustLoad(t, reg, "square"))
	// Until the worker has announced itself, submits are not checked: wait
	// for the infeasible request to be refused.
	for {
		_, err := square.Options(parallel.TaskResources(map[string]float64{"GPU": 2})).Submit(3)
		if err != nil {
			if !errors.Is(err, parallel.ErrInvalidCall) || !strings.Contains(err.Error(), "no worker of the cluster has 1 CPUs and resources map[GPU:2]") {
				t.Fatalf("infeasible request: %v", err)
			}
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the worker never announced itself")
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err = parallel.GetContext(ctx, square.Options(parallel.TaskResources(map[string]float64{"GPU": 1})).Remote(3))
	var re *cluster.RemoteError
	if !errors.As(err, &re) || !re.System || !strings.Contains(err.Error(), `this worker has no function "square" registered`) {
		t.Fatalf("err = %v, want the worker's system error about the missing function", err)
	}
}

func mustLoad(t *testing.T, reg *cluster.Registry, name string) any {
	t.Helper()
	v, err := reg.Load(context.Background(), cluster.FuncRef{Name: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v.Interface()
}

func TestParseResources(t *testing.T) {
	m, err := parseResources("GPU=1,mem=0.5")
	if err != nil || m["GPU"] != 1 || m["mem"] != 0.5 || len(m) != 2 {
		t.Errorf("parseResources = %v, %v", m, err)
	}
	for _, bad := range []string{"GPU", "=1", "GPU=x", "GPU=-1"} {
		if _, err := parseResources(bad); err == nil {
			t.Errorf("parseResources(%q) succeeded", bad)
		}
	}
	if code, _, stderr := runCLI(t, "worker"); code != 2 || !strings.Contains(stderr, "need --address") {
		t.Errorf("worker without --address: %d %q", code, stderr)
	}
}

// TestHeadCommandCluster starts three `warren head` processes routed to
// each other with --name, --cluster-listen and --routes: a client given the
// three URLs gets a task stream kept on all three heads.
func TestHeadCommandCluster(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	var ports []int
	for range 6 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
		_ = l.Close()
	}
	var urls []string
	for i := range 3 {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", ports[i]))
		var routes []string
		for j := range 3 {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", ports[3+j]))
			}
		}
		startWarren(t, io.Discard, "head", "--name", fmt.Sprintf("h%d", i), "--listen", fmt.Sprintf("127.0.0.1:%d", ports[i]),
			"--cluster-listen", fmt.Sprintf("127.0.0.1:%d", ports[3+i]), "--routes", strings.Join(routes, ","), "--store", t.TempDir())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for _, p := range ports[:3] { // wait until the heads listen
		for {
			c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p))
			if err == nil {
				_ = c.Close()
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("a head does not listen on %d: %v", p, err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	cl, err := cluster.Connect(ctx, strings.Join(urls, ","), cluster.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if n := cl.Replicas(ctx); n != 3 {
		t.Errorf("the task stream has %d replicas, want 3", n)
	}
}

// startHead starts `warren head` on a free port with a fresh store and
// returns the URL it prints.
func startHead(t testing.TB) string {
	t.Helper()
	pr, pw := io.Pipe()
	startWarren(t, pw, "head", "--listen", "127.0.0.1:0", "--store", t.TempDir())
	line, err := bufio.NewReader(pr).ReadString('\n')
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(line, "listening on ")
	url, _, _ := strings.Cut(rest, " ")
	if !found || !strings.HasPrefix(url, "nats://") {
		t.Fatalf("head printed %q", line)
	}
	return url
}
