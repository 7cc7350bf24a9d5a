// Range over a push iterator function (iter.Seq), with break.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"iter"
)

func countTo(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 1; i <= n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}

func main() {
	for v := range countTo(10) {
		if v > 4 {
			break
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
}
