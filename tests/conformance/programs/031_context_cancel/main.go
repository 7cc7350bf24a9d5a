// Workers stop on context cancellation; the count of started work is deterministic.
//
// conform:category goroutines

package main

import (
	"context"
	"fmt"
	"sync"
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	work := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := 0
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case v := <-work:
					mu.Lock()
					seen += v
					mu.Unlock()
				}
			}
		}()
	}
	for i := 1; i <= 10; i++ {
		work <- i
	}
	cancel()
	wg.Wait()
	fmt.Println(seen, ctx.Err())
}
