package cluster

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// markRun adds a file named name.pid.N to dir (one per run), then sleeps
// ms milliseconds.
func markRun(dir, name string, ms int) int {
	f, err := os.CreateTemp(dir, fmt.Sprintf("%s.%d.", name, os.Getpid()))
	if err != nil {
		panic(err)
	}
	_ = f.Close()
	time.Sleep(time.Duration(ms) * time.Millisecond)
	return ms
}

// markRunNested marks its run as markRun does, then waits in Get for a
// nested markRun of ms milliseconds.
func markRunNested(dir, name string, ms int) int {
	markRun(dir, name, 0)
	return parallel.Get(parallel.Remote(markRun).Remote(dir, name+"-nested", ms)).(int)
}

// runCounts returns how many runs markRun recorded in dir, by name.
func runCounts(t testing.TB, dir string) map[string]int {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	runs := map[string]int{}
	for _, e := range ents {
		runs[strings.SplitN(e.Name(), ".", 2)[0]]++
	}
	return runs
}
