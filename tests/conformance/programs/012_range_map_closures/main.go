// Closures over range-over-map keys and values, sorted for determinism.
//
// conform:category loops

package main

import (
	"fmt"
	"sort"
)

func main() {
	m := map[string]int{"x": 1, "y": 2, "z": 3}
	var fs []func() string
	for k, v := range m {
		fs = append(fs, func() string { return fmt.Sprint(k, "=", v) })
	}
	var out []string
	for _, f := range fs {
		out = append(out, f())
	}
	sort.Strings(out)
	fmt.Println(out)
}
