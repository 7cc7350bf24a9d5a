// Goroutines started in a range-over-int loop each see their own i.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"sync"
)

func main() {
	out := make([]int, 4)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = i + 10
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
