// A loop that returns a closure from inside a function.
//
// conform:category loops

package main

import "fmt"

func find(xs []int, want int) func() int {
	for i, x := range xs {
		if x == want {
			return func() int { return i }
		}
	}
	return func() int { return -1 }
}

func main() {
	xs := []int{5, 7, 9}
	fmt.Println(find(xs, 7)(), find(xs, 9)(), find(xs, 1)())
}
