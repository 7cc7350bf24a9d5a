// A generic function returning sorted map keys with cmp.Ordered.
//
// conform:category generics

package main

import (
	"cmp"
	"fmt"
	"sort"
)

func SortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	return keys
}

func main() {
	fmt.Println(SortedKeys(map[string]int{"b": 2, "a": 1, "c": 3}))
	fmt.Println(SortedKeys(map[int]bool{3: true, 1: false, 2: true}))
}
