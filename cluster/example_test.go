package cluster_test

import (
	"context"
	"fmt"
	"os"

	"github.com/warren-go/warren/cluster"
	ray "github.com/warren-go/warren/parallel"
)

func square(x int) int { return x * x }

// A compiled program is its own driver and its own workers: both register
// the task functions under the same names.
func Example() {
	reg := cluster.NewRegistry()
	reg.Register("square", square)
	addr := "nats://127.0.0.1:4222" // a `warren head`
	if len(os.Args) > 1 && os.Args[1] == "worker" {
		_ = cluster.RunWorker(context.Background(), addr, cluster.WorkerOptions{CPUs: 2, Loader: reg})
		return
	}
	cluster.Register(reg)
	ray.Init(ray.Address(addr))
	fmt.Println(ray.Get(ray.Remote(square).Remote(7)))
}
