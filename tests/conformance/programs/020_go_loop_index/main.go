// Goroutines started in a loop write their own index into a slice.
//
// conform:category goroutines
// conform:kernel

package main

import (
	"fmt"
	"sync"
)

func main() {
	out := make([]int, 5)
	var wg sync.WaitGroup
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = i * i
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
