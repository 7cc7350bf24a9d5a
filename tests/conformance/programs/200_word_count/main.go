// Word frequencies with a map, sorted by count then word.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	text := "the quick brown fox jumps over the lazy dog the fox"
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[w]++
	}
	// conform:cell
	type wc struct {
		w string
		n int
	}
	var list []wc
	for w, n := range counts {
		list = append(list, wc{w, n})
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].w < list[j].w
	})
	for _, e := range list[:4] {
		fmt.Println(e.w, e.n)
	}
}
