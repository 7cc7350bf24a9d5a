// sync/atomic counters from goroutines.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
	"sync/atomic"
)

func main() {
	var n atomic.Int64
	var total int64
	var wg sync.WaitGroup
	for i := 1; i <= 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n.Add(1)
			atomic.AddInt64(&total, int64(i))
		}()
	}
	wg.Wait()
	fmt.Println(n.Load(), atomic.LoadInt64(&total))
}
