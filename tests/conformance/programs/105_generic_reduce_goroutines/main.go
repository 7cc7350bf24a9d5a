// A generic parallel map run with goroutines, results by index.
//
// conform:category generics

package main

import (
	"fmt"
	"sync"
)

func ParMap[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, len(xs))
	var wg sync.WaitGroup
	for i, x := range xs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = f(x)
		}()
	}
	wg.Wait()
	return out
}

func main() {
	fmt.Println(ParMap([]int{1, 2, 3, 4}, func(x int) string { return fmt.Sprint(x * x) }))
}
