// main calls helpers and returns early from a nested function; output once.
//
// conform:category main

package main

import "fmt"

func greet(names ...string) {
	for _, n := range names {
		if n == "" {
			return
		}
		fmt.Println("hello", n)
	}
}

func main() {
	greet("ada", "bob")
	greet("cy", "", "never")
	fmt.Println("done")
}
