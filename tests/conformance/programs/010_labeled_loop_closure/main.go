// A labeled continue in nested loops with closures.
//
// conform:category loops

package main

import "fmt"

func main() {
	var got []func() int
outer:
	for i := 0; i < 4; i++ {
		for j := 0; j < 4; j++ {
			if j > i {
				continue outer
			}
			if i == 3 {
				break outer
			}
			got = append(got, func() int { return i*10 + j })
		}
	}
	for _, f := range got {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}
