// A package-level variable shadowed in main, in an if, and in a closure.
//
// conform:category pkg-order

package main

import "fmt"

var x = "package"

func show() string { return x }

func main() {
	fmt.Println(x)
	x := "main"
	if x := 3; x > 2 {
		fmt.Println("if", x)
	}
	f := func() string {
		x := "closure"
		return x
	}
	fmt.Println(x, f(), show())
}
