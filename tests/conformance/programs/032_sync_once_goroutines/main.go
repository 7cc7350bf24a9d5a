// sync.Once runs its function once across goroutines.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

func main() {
	var once sync.Once
	calls := 0
	var wg sync.WaitGroup
	for k := 0; k < 10; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { calls++ })
		}()
	}
	wg.Wait()
	fmt.Println("calls:", calls)
}
