// Goroutines in a range loop send results on a channel; results sorted.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sort"
)

func main() {
	nums := []int{3, 1, 4, 1, 5}
	ch := make(chan int)
	for _, n := range nums {
		go func() { ch <- n * 2 }()
	}
	var got []int
	for range nums {
		got = append(got, <-ch)
	}
	sort.Ints(got)
	fmt.Println(got)
}
