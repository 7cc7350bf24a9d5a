// maps.Clone, maps.Equal, maps.DeleteFunc.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"maps"
)

func main() {
	m := map[string]int{"a": 1, "b": 2, "c": 3}
	c := maps.Clone(m)
	fmt.Println(maps.Equal(m, c))
	maps.DeleteFunc(c, func(k string, v int) bool { return v%2 == 1 })
	fmt.Println(len(c), c["b"], maps.Equal(m, c))
}
