// An RWMutex-protected cache filled by goroutines.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sort"
	"sync"
)

type cache struct {
	mu sync.RWMutex
	m  map[int]string
}

func (c *cache) get(k int) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *cache) put(k int, v string) {
	c.mu.Lock()
	c.m[k] = v
	c.mu.Unlock()
}

func main() {
	c := &cache{m: map[int]string{}}
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, ok := c.get(i); !ok {
				c.put(i, fmt.Sprint("v", i))
			}
		}()
	}
	wg.Wait()
	keys := make([]int, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		v, _ := c.get(k)
		fmt.Print(k, ":", v, " ")
	}
	fmt.Println()
}
