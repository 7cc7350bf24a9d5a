// Matrix multiplication with one goroutine per row from nested loops.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

func main() {
	a := [][]int{{1, 2}, {3, 4}, {5, 6}}
	b := [][]int{{7, 8, 9}, {10, 11, 12}}
	c := make([][]int, len(a))
	var wg sync.WaitGroup
	for i := range a {
		c[i] = make([]int, len(b[0]))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range b[0] {
				for k := range b {
					c[i][j] += a[i][k] * b[k][j]
				}
			}
		}()
	}
	wg.Wait()
	for _, row := range c {
		fmt.Println(row)
	}
}
