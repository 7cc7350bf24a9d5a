package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// clusterNotebook is a solution notebook run against a head and workers.
type clusterNotebook struct {
	name          string
	workers, cpus int
}

// clusterNotebooks are the solution notebooks of the three exercises and
// of exercise 4 (actors: the parameter server on one worker, the training
// tasks on both, the data in a top-level variable that travels), each
// with as many worker CPUs as its ray.Init asks in process (exercise 3's
// nine: three trainings and their six gradients at once).
var clusterNotebooks = []clusterNotebook{
	{"exercise_1", 2, 2},
	{"exercise_2", 2, 2},
	{"exercise_3", 3, 3},
	{"exercise_4_actors", 2, 2},
}

// notebookCells returns the code cells of a solution notebook, its
// ray.Init(ray.NumCPUs(…)) given ray.Address(url).
func notebookCells(t *testing.T, name, url string) []string {
	t.Helper()
	nb, err := readNotebook("../../notebooks/solutions/" + name + ".ipynb")
	if err != nil {
		t.Fatal(err)
	}
	var cells []string
	connected := false
	for _, cell := range nb.Cells {
		if cell.Type != "code" {
			continue
		}
		code := cell.Source
		if j := strings.Index(code, "ray.Init(ray.NumCPUs("); j >= 0 {
			code = code[:j] + fmt.Sprintf("ray.Init(ray.Address(%q), ", url) + code[j+len("ray.Init("):]
			connected = true
		}
		cells = append(cells, code)
	}
	if !connected {
		t.Fatal("the notebook has no ray.Init(ray.NumCPUs(…)) to connect")
	}
	return cells
}

// runCell runs one cell in rs and returns its stdout.
func runCell(t *testing.T, rs *remoteSession, id, code string) (string, error) {
	t.Helper()
	out := &recOutput{}
	_, err := rs.Execute(context.Background(), id, code, out)
	stdout, stderr := out.texts()
	if err != nil {
		return stdout, fmt.Errorf("%w\n%s\nstdout: %s\nstderr: %s", err, code, stdout, stderr)
	}
	return stdout, nil
}

// TestClusterSolutionNotebooks (WARREN_CLUSTER_LONG=1, without -race: the
// notebooks check their own timing) runs the solutions of the four
// exercises against a head and worker processes on 127.0.0.1, with the
// notebook's ray.Init given ray.Address: every cell passes as in process,
// the verify cells' timing windows included (exercise 1: 1.0–1.1 s,
// exercise 2: 0.4–0.8 s, exercise 3: 0.3–0.5 s, exercise 4: under 1 s). Each run starts a fresh
// head and workers; -count=N repeats.
func TestClusterSolutionNotebooks(t *testing.T) {
	if os.Getenv("WARREN_CLUSTER_LONG") == "" {
		t.Skip("set WARREN_CLUSTER_LONG=1 (make cluster-test)")
	}
	for _, c := range clusterNotebooks {
		t.Run(c.name, func(t *testing.T) {
			url := startCluster(t, c.workers, c.cpus)
			rs := testSession(t, &syncBuffer{})
			for i, code := range notebookCells(t, c.name, url) {
				stdout, err := runCell(t, rs, fmt.Sprintf("%s-%d", c.name, i), code)
				if err != nil {
					t.Fatalf("cell %d: %v", i, err)
				}
				if i == 0 {
					waitWorkers(t, rs, c.workers*c.cpus)
				}
				if j := strings.Index(stdout, "Success!"); j >= 0 {
					t.Log(strings.TrimSpace(stdout[j:]))
				}
			}
		})
	}
}

// waitWorkers waits until the cluster the session is connected to has
// cpus CPUs: every worker started has announced itself (a notebook is run
// on a cluster that is up).
func waitWorkers(t *testing.T, rs *remoteSession, cpus int) {
	t.Helper()
	code := fmt.Sprintf(`for deadline := time.Now().Add(30 * time.Second); ray.ClusterResources()["CPU"] < %d; time.Sleep(10 * time.Millisecond) {
	if time.Now().After(deadline) {
		panic(fmt.Sprint("the workers did not all connect: ", ray.ClusterResources()))
	}
}`, cpus)
	if _, err := runCell(t, rs, "wait-workers", code); err != nil {
		t.Fatal(err)
	}
}

// TestClusterExercise3WorkerKilled (WARREN_CLUSTER_LONG=1) runs exercise
// 3's solution on three 3-CPU workers and kills one with SIGKILL while the
// sweep runs: the sweep still gives [20 20 20]. The tasks the dead worker
// was running run again elsewhere once JetStream notices (about 5 s), so
// the verify cell's 0.5 s window is then missed: the test accepts the
// verify cell passing or failing with exactly its "too slow" message, and
// logs which.
func TestClusterExercise3WorkerKilled(t *testing.T) {
	if os.Getenv("WARREN_CLUSTER_LONG") == "" {
		t.Skip("set WARREN_CLUSTER_LONG=1 (make cluster-test)")
	}
	url, workers := startClusterProcs(t, 3, 3)
	rs := testSession(t, &syncBuffer{})
	cells := notebookCells(t, "exercise_3", url)
	sweep, verify := -1, -1
	for i, code := range cells {
		switch {
		case strings.Contains(code, "trainModel.Remote(hyperparameters)"):
			sweep = i
		case strings.Contains(code, "This is too slow"):
			verify = i
		}
	}
	if sweep < 0 || verify != sweep+1 {
		t.Fatalf("exercise 3 has no sweep cell followed by its verify cell (%d, %d)", sweep, verify)
	}
	for i, code := range cells[:sweep] {
		if _, err := runCell(t, rs, fmt.Sprintf("setup-%d", i), code); err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
		if i == 0 {
			waitWorkers(t, rs, 9)
		}
	}
	// Every worker has loaded the functions: a warm-up sweep.
	if _, err := runCell(t, rs, "warm", cells[sweep]); err != nil {
		t.Fatalf("warm-up sweep: %v", err)
	}
	killed := make(chan error, 1)
	go func() {
		time.Sleep(150 * time.Millisecond) // the sweep takes 0.3–0.5 s
		killed <- workers[0].Process.Kill()
	}()
	start := time.Now()
	stdout, err := runCell(t, rs, "sweep", cells[sweep])
	took := time.Since(start)
	if kerr := <-killed; kerr != nil {
		t.Fatalf("kill -9 worker: %v", kerr)
	}
	if err != nil {
		t.Fatalf("the sweep with a worker killed: %v", err)
	}
	t.Logf("sweep with a worker killed at 150 ms: %.3f s: %s", took.Seconds(), strings.TrimSpace(stdout))
	got, err := runCell(t, rs, "results", `fmt.Println(results)`)
	if err != nil || strings.TrimSpace(got) != "[20 20 20]" {
		t.Fatalf("results after a worker was killed = %q (%v), want [20 20 20]", got, err)
	}
	stdout, err = runCell(t, rs, "verify", cells[verify])
	switch {
	case err == nil:
		t.Logf("verify cell passed: %s", strings.TrimSpace(stdout))
	case strings.Contains(err.Error(), "This is too slow"):
		t.Logf("verify cell missed its window, as expected after a kill: %s", strings.SplitN(err.Error(), "\n", 2)[0])
	default:
		t.Fatalf("verify cell: %v", err)
	}
	// The cluster goes on with the two workers left.
	stdout, err = runCell(t, rs, "again", cells[sweep])
	if err != nil || !strings.Contains(stdout, "[20 20 20]") {
		t.Fatalf("a sweep after the kill: %q, %v", stdout, err)
	}
}
