// iter.Pull turns a push iterator into next/stop.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"iter"
)

func squares(yield func(int) bool) {
	for i := 1; ; i++ {
		if !yield(i * i) {
			return
		}
	}
}

func main() {
	next, stop := iter.Pull(iter.Seq[int](squares))
	defer stop()
	for range 3 {
		v, ok := next()
		fmt.Println(v, ok)
	}
}
