// A program whose main panics: the output before the panic, then a failure.
//
// conform:category main

package main

import "fmt"

func main() {
	fmt.Println("before")
	xs := []int{1, 2, 3}
	for i := 0; i <= len(xs); i++ {
		fmt.Println(xs[i])
	}
	fmt.Println("never")
}
