// slices.Sort, SortFunc, BinarySearch, Contains, Index, Max, Min, Reverse.
//
// conform:category modern-stdlib

package main

import (
	"cmp"
	"fmt"
	"slices"
)

func main() {
	xs := []int{5, 2, 8, 1}
	slices.Sort(xs)
	i, found := slices.BinarySearch(xs, 5)
	fmt.Println(xs, i, found, slices.Contains(xs, 8), slices.Index(xs, 2))
	fmt.Println(slices.Max(xs), slices.Min(xs))
	words := []string{"ccc", "a", "bb"}
	slices.SortFunc(words, func(a, b string) int { return cmp.Compare(len(a), len(b)) })
	slices.Reverse(words)
	fmt.Println(words)
}
