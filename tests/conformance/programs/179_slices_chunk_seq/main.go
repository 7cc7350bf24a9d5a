// slices.Chunk, slices.All and slices.Values iterators.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"slices"
)

func main() {
	xs := []int{1, 2, 3, 4, 5}
	for c := range slices.Chunk(xs, 2) {
		fmt.Print(c, " ")
	}
	fmt.Println()
	sum := 0
	for i, v := range slices.All(xs) {
		sum += i * v
	}
	fmt.Println(sum, slices.Collect(slices.Values(xs[:2])))
}
