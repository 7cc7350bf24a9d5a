// Defers run last-in first-out, after the return value is set; a deferred closure can modify a named result.
//
// conform:category defer-panic

package main

import "fmt"

func f() (n int) {
	defer func() { n *= 2 }()
	defer fmt.Println("second defer runs first")
	n = 5
	return n + 1
}

func main() {
	fmt.Println("result", f())
}
