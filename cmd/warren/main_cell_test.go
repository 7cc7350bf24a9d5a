package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A notebook whose first cell is a whole program with func main: main runs
// once in that cell, never again, and once more when a cell calls it.
func TestRunFuncMain(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an interpreter")
	}
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb",
		`package main

import "fmt"

var squares = ray.Remote(func(x int) int { return x * x })

func main() {
	var refs []ray.ObjectRef
	for i := 0; i < 4; i++ {
		refs = append(refs, squares.Remote(i))
	}
	fmt.Println("main", ray.GetAll(refs...))
}`,
		`fmt.Println("y")`,
		`main()`)
	var stdout, stderr bytes.Buffer
	if code := runMain([]string{in}, &stdout, &stderr, newInterpSession); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}
	out := stdout.String()
	if n := strings.Count(out, "main [0 1 4 9]\n"); n != 2 {
		t.Errorf("main ran %d times, want 2 (its cell and main()):\n%s", n, out)
	}
	if strings.Count(out, "y\n") != 1 {
		t.Errorf("output:\n%s", out)
	}
}

// --timeout ends a func main blocked on a ray task.
func TestRunFuncMainTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an interpreter")
	}
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb", `import "time"
func main() {
	slow := ray.Remote(func() int { time.Sleep(time.Hour); return 1 })
	ray.Get(slow.Remote())
}`)
	var stdout, stderr bytes.Buffer
	start := time.Now()
	code := runMain([]string{"--timeout", "500ms", filepath.Clean(in)}, &stdout, &stderr, newInterpSession)
	// A hang guard, not a performance bound: the task sleeps for an hour.
	if code != 1 || !strings.Contains(stderr.String(), "CellTimeoutError") || time.Since(start) > 30*time.Second {
		t.Fatalf("exit %d after %v\n%s\n%s", code, time.Since(start), stdout.String(), stderr.String())
	}
}
