// Passing the loop variable as a goroutine argument.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

func main() {
	out := make([]string, 3)
	var wg sync.WaitGroup
	for i, s := range []string{"a", "b", "c"} {
		wg.Add(1)
		go func(i int, s string) {
			defer wg.Done()
			out[i] = s + s
		}(i, s)
	}
	wg.Wait()
	fmt.Println(out)
}
