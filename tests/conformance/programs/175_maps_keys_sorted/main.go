// maps.Keys with slices.Sorted and slices.Collect over maps.Values.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"maps"
	"slices"
)

func main() {
	m := map[string]int{"b": 2, "a": 1, "c": 3}
	keys := slices.Sorted(maps.Keys(m))
	vals := slices.Collect(maps.Values(m))
	slices.Sort(vals)
	fmt.Println(keys, vals)
}
