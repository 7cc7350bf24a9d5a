// Range over an iter.Seq2 of index/value pairs.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"iter"
)

func enumerate(xs []string) iter.Seq2[int, string] {
	return func(yield func(int, string) bool) {
		for i, x := range xs {
			if !yield(i, x) {
				return
			}
		}
	}
}

func main() {
	for i, s := range enumerate([]string{"a", "b", "c"}) {
		fmt.Println(i, s)
	}
}
