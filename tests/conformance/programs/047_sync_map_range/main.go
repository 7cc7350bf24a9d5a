// sync.Map filled by goroutines, read back in sorted order.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sort"
	"sync"
)

func main() {
	var m sync.Map
	var wg sync.WaitGroup
	for _, w := range []string{"kiwi", "fig", "apple"} {
		wg.Add(1)
		go func(w string) {
			defer wg.Done()
			m.Store(w, len(w))
		}(w)
	}
	wg.Wait()
	var keys []string
	m.Range(func(k, v any) bool {
		keys = append(keys, fmt.Sprint(k, "=", v))
		return true
	})
	sort.Strings(keys)
	fmt.Println(keys)
	v, ok := m.Load("fig")
	fmt.Println(v, ok)
}
