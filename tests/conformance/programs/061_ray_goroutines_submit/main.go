// Goroutines in a loop each submit a task and store the result by index.
//
// conform:category ray

package main

import (
	"fmt"
	"sync"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	double := ray.Remote(func(x int) int { return 2 * x })
	out := make([]int, 4)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = ray.Get(double.Remote(i)).(int)
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
