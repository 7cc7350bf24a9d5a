// Nested maps and comma-ok lookups; deletion during iteration of sorted keys.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"sort"
)

func main() {
	graph := map[string]map[string]int{}
	add := func(a, b string, w int) {
		if graph[a] == nil {
			graph[a] = map[string]int{}
		}
		graph[a][b] = w
	}
	add("a", "b", 1)
	add("a", "c", 4)
	add("b", "c", 2)
	w, ok := graph["a"]["c"]
	_, missing := graph["z"]["y"]
	fmt.Println(w, ok, missing)
	delete(graph["a"], "b")
	var keys []string
	for k := range graph {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(k, len(graph[k]))
	}
}
