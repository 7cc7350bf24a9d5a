// Goroutines in a loop each create a remote closure over the loop variable.
//
// conform:category ray

package main

import (
	"fmt"
	"sync"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	out := make([]int, 4)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref := ray.Remote(func() int { return i * 100 }).Remote()
			out[i] = ray.Get(ref).(int)
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
