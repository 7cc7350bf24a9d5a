// Command soak measures how a session's memory and cell latency grow over
// many cells, for warren's session (interp.Session, what the session
// process runs) and for plain yaegi given the same cells, side by side.
//
// Usage (from the repository root):
//
//	go run ./tests/soak -cells 10000                 # both workloads, both interpreters
//	go run ./tests/soak -cells 1000 -max-kb 8        # fail if warren grows more than 8 KB per trivial cell
//
// Workloads: "trivial" runs `xN := N` then `fmt.Println(xN)` (two cells
// per N: the growth is reported per cell), "redefine" runs
// `func f() int { return N }` then `f()`. RSS is VmRSS after a GC that
// returns freed memory to the system (debug.FreeOSMemory), sampled every
// tenth of the run; the growth per cell is the slope through the samples,
// so it is what the session keeps. It is not a test of timing: latency is
// reported, the -max-kb bound is on memory only.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	yaegi "github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"

	"github.com/warren-go/warren/interp"
)

// discard is an interp.Output that drops everything.
type discard struct{}

func (discard) Stream(name, text string)              {}
func (discard) Display(data, metadata map[string]any) {}

// runner runs one cell.
type runner func(id, code string) error

func warren() (runner, func(), error) {
	s, err := interp.New(interp.Options{NoHost: true})
	if err != nil {
		return nil, nil, err
	}
	return func(id, code string) error {
		_, err := s.Execute(context.Background(), id, code, discard{})
		return err
	}, func() { s.Close() }, nil
}

func plainYaegi() (runner, func(), error) {
	i := yaegi.New(yaegi.Options{Stdout: io.Discard, Stderr: io.Discard})
	if err := i.Use(stdlib.Symbols); err != nil {
		return nil, nil, err
	}
	if _, err := i.Eval(`import "fmt"`); err != nil {
		return nil, nil, err
	}
	return func(id, code string) error {
		_, err := i.Eval(code)
		return err
	}, func() {}, nil
}

// cells returns the two cells of step n of workload w.
func cells(w string, n int) [2]string {
	if w == "redefine" {
		return [2]string{"func f() int { return " + strconv.Itoa(n) + " }", "f()"}
	}
	x := "x" + strconv.Itoa(n)
	return [2]string{x + " := " + strconv.Itoa(n), "fmt.Println(" + x + ")"}
}

func rssKB() int {
	debug.FreeOSMemory()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return kb
		}
	}
	return 0
}

// result is one run of a workload.
type result struct {
	perCellKB        float64 // RSS growth per cell, from the first to the last sample
	heapPerCellKB    float64 // live heap growth per cell
	firstUS, lastUS  float64 // mean latency of the first and last 10% of cells
	startKB, finalKB int
}

func soak(name, w string, steps int, newRunner func() (runner, func(), error)) (result, error) {
	run, closeFn, err := newRunner()
	if err != nil {
		return result{}, err
	}
	defer closeFn()
	if name == "warren" {
		if err := run("prelude", `import "fmt"`); err != nil {
			return result{}, err
		}
	}
	// Warm up (first compiles of fmt etc.), then measure from a baseline.
	warm := steps / 20
	for n := 0; n < warm; n++ {
		for k, c := range cells(w, n) {
			if err := run(fmt.Sprintf("w%d-%d", n, k), c); err != nil {
				return result{}, fmt.Errorf("%s cell %q: %w", name, c, err)
			}
		}
	}
	var ms runtime.MemStats
	r := result{startKB: rssKB()}
	runtime.ReadMemStats(&ms)
	heap0 := ms.HeapAlloc
	tenth := steps / 10
	var first, last time.Duration
	// RSS every tenth of the run: the growth per cell is the least-squares
	// slope through the samples, steadier than two end points.
	var xs, ys []float64
	for n := warm; n < warm+steps; n++ {
		if i := n - warm; i%tenth == 0 {
			xs, ys = append(xs, float64(2*i)), append(ys, float64(rssKB()))
		}
		t0 := time.Now()
		for k, c := range cells(w, n) {
			if err := run(fmt.Sprintf("c%d-%d", n, k), c); err != nil {
				return result{}, fmt.Errorf("%s cell %q: %w", name, c, err)
			}
		}
		d := time.Since(t0)
		switch i := n - warm; {
		case i < tenth:
			first += d
		case i >= steps-tenth:
			last += d
		}
	}
	r.finalKB = rssKB()
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(run) // the interpreter is what is measured
	ncells := float64(2 * steps)
	xs, ys = append(xs, ncells), append(ys, float64(r.finalKB))
	r.perCellKB = slope(xs, ys)
	r.heapPerCellKB = (float64(ms.HeapAlloc) - float64(heap0)) / 1024 / ncells
	r.firstUS = float64(first.Microseconds()) / float64(2*tenth)
	r.lastUS = float64(last.Microseconds()) / float64(2*tenth)
	return r, nil
}

// slope returns the least-squares slope of ys over xs.
func slope(xs, ys []float64) float64 {
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return 0
	}
	return num / den
}

func main() {
	steps := flag.Int("cells", 10000, "cells per workload and interpreter (two per step)")
	workloads := flag.String("workloads", "trivial,redefine", "comma-separated: trivial, redefine")
	impls := flag.String("impl", "warren,yaegi", "comma-separated: warren, yaegi")
	maxKB := flag.Float64("max-kb", 0, "fail if warren's RSS grows more than this many KB per trivial cell (0: no bound)")
	child := flag.Bool("child", false, "run one workload of one interpreter and print its result (internal)")
	flag.Parse()
	if *child {
		nr := warren
		if *impls == "yaegi" {
			nr = plainYaegi
		}
		r, err := soak(*impls, *workloads, *steps/2, nr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			os.Exit(1)
		}
		fmt.Printf("%f %f %f %f %d %d\n", r.perCellKB, r.heapPerCellKB, r.firstUS, r.lastUS, r.startKB, r.finalKB)
		return
	}
	n := *steps / 2
	failed := false
	fmt.Printf("%-8s %-9s %7s %10s %11s %11s %10s %10s\n", "impl", "workload", "cells", "RSS KB", "KB/cell", "heap KB/c", "first µs", "last µs")
	for _, w := range strings.Split(*workloads, ",") {
		for _, name := range strings.Split(*impls, ",") {
			// Each in a process of its own: RSS is the process's.
			cmd := exec.Command(os.Args[0], "-child", "-impl", name, "-workloads", w, "-cells", strconv.Itoa(*steps))
			cmd.Stderr = os.Stderr
			out, err := cmd.Output()
			if err != nil {
				fmt.Fprintf(os.Stderr, "soak: %s %s: %v\n", name, w, err)
				os.Exit(1)
			}
			var r result
			if _, err := fmt.Sscan(string(out), &r.perCellKB, &r.heapPerCellKB, &r.firstUS, &r.lastUS, &r.startKB, &r.finalKB); err != nil {
				fmt.Fprintf(os.Stderr, "soak: %s %s: %q: %v\n", name, w, out, err)
				os.Exit(1)
			}
			fmt.Printf("%-8s %-9s %7d %4d→%-5d %11.2f %11.2f %10.0f %10.0f\n", name, w, 2*n, r.startKB/1024, r.finalKB/1024, r.perCellKB, r.heapPerCellKB, r.firstUS, r.lastUS)
			if *maxKB > 0 && name == "warren" && w == "trivial" && r.perCellKB > *maxKB {
				fmt.Fprintf(os.Stderr, "soak: warren grew %.2f KB RSS per trivial cell, more than %.2f\n", r.perCellKB, *maxKB)
				failed = true
			}
		}
	}
	if failed {
		os.Exit(1)
	}
}
