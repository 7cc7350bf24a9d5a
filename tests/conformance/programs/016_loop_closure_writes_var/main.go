// A closure that writes the loop variable changes the current iteration, which carries into the next.
//
// conform:category loops

package main

import "fmt"

func main() {
	for i := 0; i < 6; i++ {
		inc := func() { i++ }
		inc()
		fmt.Print(i, " ")
	}
	fmt.Println()
}
