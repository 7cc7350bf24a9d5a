// sort.SliceStable keeps the order of equal elements; sort.SearchInts.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"sort"
)

func main() {
	type rec struct {
		name  string
		score int
	}
	rs := []rec{{"a", 2}, {"b", 1}, {"c", 2}, {"d", 1}}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].score < rs[j].score })
	fmt.Println(rs)
	xs := []int{1, 3, 5, 7}
	fmt.Println(sort.SearchInts(xs, 5), sort.SearchInts(xs, 4), sort.IntsAreSorted(xs))
}
