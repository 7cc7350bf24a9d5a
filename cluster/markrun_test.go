package cluster

import (
	"fmt"
	"os"
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
