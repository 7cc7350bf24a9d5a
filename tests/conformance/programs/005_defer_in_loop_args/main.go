// Deferred call arguments are evaluated at the defer statement.
//
// conform:category loops

package main

import "fmt"

func run() {
	for i := 0; i < 3; i++ {
		defer fmt.Println("deferred", i)
	}
	fmt.Println("body done")
}

func main() {
	run()
}
