// sync.WaitGroup.Go (Go 1.25) in a loop.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	out := make([]int, 4)
	for i := 0; i < 4; i++ {
		wg.Go(func() { out[i] = i * 3 })
	}
	wg.Wait()
	fmt.Println(out)
}
