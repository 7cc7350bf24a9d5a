// Each goroutine recovers its own panic; the WaitGroup still completes.
//
// conform:category defer-panic

package main

import (
	"fmt"
	"sync"
)

func main() {
	var wg sync.WaitGroup
	msgs := make([]string, 3)
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					msgs[i] = fmt.Sprint("recovered ", r)
				}
			}()
			if i != 1 {
				panic(i)
			}
			msgs[i] = "fine"
		}(i)
	}
	wg.Wait()
	fmt.Println(msgs)
}
