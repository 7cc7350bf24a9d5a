// Taking &i in a loop gives a distinct variable per iteration.
//
// conform:category loops

package main

import "fmt"

func main() {
	var ps []*int
	for i := 0; i < 4; i++ {
		ps = append(ps, &i)
	}
	for _, p := range ps {
		fmt.Print(*p, " ")
	}
	fmt.Println()
}
