package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A %%native cell's functions and a module fetched with %go get run on
// worker processes that build them with their own native workspace (as on
// another host: each process has its own cache directory; the Go build
// and module caches are the machine's): a native function, values of a
// native type both ways, an interpreted function using a package of the
// module; a native variable is refused at submit; a worker without a go
// command fails the task with an error naming the cell and what it needs,
// and goes on running other tasks. With WARREN_CLUSTER_LONG, the worker is
// also restarted and reuses its workspace.
func TestClusterShipsNative(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command on PATH")
	}
	for _, v := range []string{"GOCACHE", "GOMODCACHE"} {
		out, err := exec.Command("go", "env", v).Output()
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv(v, strings.TrimSpace(string(out)))
	}
	tmp := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "driver")) // the kernel's session process
	url := startHead(t)
	goodEnv := []string{"XDG_CACHE_HOME=" + filepath.Join(tmp, "worker")}
	worker := startWarrenEnv(t, io.Discard, goodEnv, "worker", "--address", url, "--cpus", "2")
	rs := testSession(t, &syncBuffer{})
	cell, ok := cellRunner(t, rs, "native")
	ok(fmt.Sprintf("ray.Init(ray.NumCPUs(2), ray.Address(%q))", url))
	if _, err := cell(`%%native
import "os"

type Pair struct{ A, B int }

func Mid(a, b Pair) Pair { return Pair{(a.A + b.A) / 2, (a.B + b.B) / 2} }

func Fib(n int) int {
	if n < 2 {
		return n
	}
	return Fib(n-1) + Fib(n-2)
}

func Pid() int { return os.Getpid() }

// FibPair submits tasks itself, from whichever process runs it.
func FibPair(n int) int {
	return ray.Get(ray.Remote(Fib).Remote(n)).(int) + ray.Get(ray.Remote(Fib).Remote(n+1)).(int)
}

var Calls int

func Counted() int { Calls++; return Calls }
`); err != nil {
		if strings.Contains(err.Error(), "not supported here") {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	start := time.Now()
	got := ok(`ray.Get(ray.Remote(Fib).Remote(20))`)
	first := time.Since(start)
	if got != "6765" {
		t.Errorf("Fib(20) on a worker = %s, want 6765", got)
	}
	start = time.Now()
	got = ok(`ray.Get(ray.Remote(Fib).Remote(21))`)
	second := time.Since(start)
	if got != "10946" {
		t.Errorf("Fib(21) on a worker = %s, want 10946", got)
	}
	t.Logf("a native function's first task on a fresh worker: %v; the next: %v", first, second)
	if driver, pid := ok(`Pid()`), ok(`ray.Get(ray.Remote(Pid).Remote())`); pid == driver {
		t.Errorf("the native task ran in the driver's process (pid %s)", pid)
	}
	// Native code's own tasks, submitted on a worker.
	if got := ok(`ray.Get(ray.Remote(FibPair).Remote(10))`); got != "144" {
		t.Errorf("FibPair(10) on a worker = %s, want 144", got)
	}
	if got := ok(`ray.Get(ray.Remote(Mid).Remote(Pair{0, 0}, Pair{4, 6}))`); got != "{2 3}" {
		t.Errorf("Mid on a worker = %s, want {2 3}", got)
	}
	// A module fetched with %go get, imported by an interpreted cell.
	ok(`%go get github.com/google/btree@v1.1.3`)
	ok(`import "github.com/google/btree"

func distinct(xs []int) int {
	tr := btree.New(2)
	for _, x := range xs {
		tr.ReplaceOrInsert(btree.Int(x))
	}
	return tr.Len() + Fib(0)
}`)
	if got := ok(`ray.Get(ray.Remote(distinct).Remote([]int{5, 1, 5, 2, 1, 9}))`); got != "4" {
		t.Errorf("distinct on a worker = %s, want 4", got)
	}
	// A native variable's value stays in the driver.
	if _, err := cell(`ray.Get(ray.Remote(Counted).Remote())`); err == nil || !strings.Contains(err.Error(), "uses the variable Calls of native cell") {
		t.Errorf("a function using a native variable: %v, want a refusal naming Calls", err)
	}
	// A worker that cannot build: the task fails saying which cell and
	// what the worker needs; the worker runs other tasks. (Started now: it
	// would take any task.) Only it has "nogo".
	nogo := startWarrenEnv(t, io.Discard, []string{"PATH=/usr/bin:/bin", "XDG_CACHE_HOME=" + filepath.Join(tmp, "nogo")},
		"worker", "--address", url, "--cpus", "1", "--resources", "nogo=1")
	waitResource(t, cell, "nogo")
	_, err := cell(`ray.Get(ray.Remote(Fib).Options(ray.TaskResources(map[string]float64{"nogo": 1})).Remote(5))`)
	if err == nil || !strings.Contains(err.Error(), "native cell[") || !strings.Contains(err.Error(), "no Go toolchain") || !strings.Contains(err.Error(), "on its PATH") {
		t.Errorf("Fib on a worker without go: %v, want an error naming the native cell and the missing toolchain", err)
	}
	if got := ok(`ray.Get(ray.Remote(func(x int) int { return x * 3 }).Options(ray.TaskResources(map[string]float64{"nogo": 1})).Remote(5))`); got != "15" {
		t.Errorf("an interpreted task on the worker without go = %s, want 15", got)
	}
	if os.Getenv("WARREN_CLUSTER_LONG") == "" {
		return
	}
	// A worker restarted with the same cache directory builds the cell
	// again in the workspace it kept.
	for _, w := range []*exec.Cmd{nogo, worker} {
		_ = w.Process.Kill()
		_ = w.Wait()
	}
	startWarrenEnv(t, io.Discard, goodEnv, "worker", "--address", url, "--cpus", "2")
	start = time.Now()
	if got := ok(`ray.Get(ray.Remote(Fib).Remote(22))`); got != "17711" {
		t.Errorf("Fib(22) on the restarted worker = %s, want 17711", got)
	}
	t.Logf("the first task of a native function on a restarted worker: %v", time.Since(start))
}

// waitResource waits until the cluster reports a worker with resource res.
func waitResource(t *testing.T, cell func(string) (string, error), res string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		v, err := cell(fmt.Sprintf("ray.ClusterResources()[%q]", res))
		if err == nil && v == "1" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no worker with %s after 30 s: %s, %v", res, v, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
