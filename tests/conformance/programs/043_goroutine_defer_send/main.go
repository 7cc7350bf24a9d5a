// Each goroutine defers a send of its loop value; values collected and sorted.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sort"
)

func main() {
	ch := make(chan int, 5)
	for i := 0; i < 5; i++ {
		go func() {
			defer func() { ch <- i * 100 }()
		}()
	}
	var got []int
	for k := 0; k < 5; k++ {
		got = append(got, <-ch)
	}
	sort.Ints(got)
	fmt.Println(got)
}
