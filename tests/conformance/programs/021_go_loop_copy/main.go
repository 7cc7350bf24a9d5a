// The pre-1.22 idiom x := x before go func in a loop.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

func main() {
	out := make([]int, 3)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		i := i
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = i + 100
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
