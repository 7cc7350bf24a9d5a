// A mutex-protected counter incremented by many goroutines.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) inc(k string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[k]++
}

func main() {
	c := &counter{n: map[string]int{}}
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.inc([]string{"even", "odd"}[i%2])
		}()
	}
	wg.Wait()
	fmt.Println(c.n["even"], c.n["odd"])
}
