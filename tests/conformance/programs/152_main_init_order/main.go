// init functions run before main, in source order, after package variables.
//
// conform:category main

package main

import "fmt"

var ready = setup()

func setup() string {
	fmt.Println("var init")
	return "ready"
}

func init() {
	fmt.Println("init 1", ready)
}

func init() {
	fmt.Println("init 2")
}

func main() {
	fmt.Println("main", ready)
}
