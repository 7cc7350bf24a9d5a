// Generic Map and Filter over slices.
//
// conform:category generics
// conform:kernel

package main

import (
	"fmt"
	"strconv"
)

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}

func Filter[T any](xs []T, keep func(T) bool) []T {
	var out []T
	for _, x := range xs {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

func main() {
	xs := []int{1, 2, 3, 4, 5, 6}
	evens := Filter(xs, func(x int) bool { return x%2 == 0 })
	strs := Map(evens, strconv.Itoa)
	fmt.Println(evens, strs, len(strs))
}
