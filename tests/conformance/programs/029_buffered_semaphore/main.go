// A buffered channel as a semaphore limiting concurrency; max in flight checked.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

func main() {
	sem := make(chan struct{}, 2)
	var mu sync.Mutex
	inFlight, maxSeen := 0, 0
	var wg sync.WaitGroup
	done := make([]bool, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			mu.Lock()
			inFlight++
			if inFlight > maxSeen {
				maxSeen = inFlight
			}
			mu.Unlock()
			done[i] = true
			mu.Lock()
			inFlight--
			mu.Unlock()
			<-sem
		}()
	}
	wg.Wait()
	fmt.Println(maxSeen <= 2, done)
}
