// cmp.Compare and cmp.Or for multi-key sorting with slices.SortStableFunc.
//
// conform:category modern-stdlib

package main

import (
	"cmp"
	"fmt"
	"slices"
)

type person struct {
	Name string
	Age  int
}

func main() {
	ps := []person{{"bob", 30}, {"al", 25}, {"cy", 30}, {"di", 25}}
	slices.SortStableFunc(ps, func(a, b person) int {
		return cmp.Or(cmp.Compare(b.Age, a.Age), cmp.Compare(a.Name, b.Name))
	})
	fmt.Println(ps)
	fmt.Println(cmp.Or("", "default"), cmp.Or(0, 0, 7))
}
