// Appending to slices stored in a map; grouping.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	groups := map[int][]string{}
	for _, w := range strings.Fields("go is a fun and easy language to use") {
		groups[len(w)] = append(groups[len(w)], w)
	}
	var lens []int
	for l := range groups {
		lens = append(lens, l)
	}
	sort.Ints(lens)
	for _, l := range lens {
		fmt.Println(l, groups[l])
	}
}
