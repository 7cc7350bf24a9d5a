// &x of the range variable versus &xs[i]: each iteration has its own x.
//
// conform:category loops

package main

import "fmt"

type item struct{ n int }

func main() {
	xs := []item{{1}, {2}, {3}}
	var byVar, byIndex []*item
	for i, x := range xs {
		byVar = append(byVar, &x)
		byIndex = append(byIndex, &xs[i])
	}
	xs[0].n = 100
	for i := range xs {
		fmt.Println(byVar[i].n, byIndex[i].n)
	}
}
