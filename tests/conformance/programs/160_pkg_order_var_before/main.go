// A package-level var uses a var and a func declared further down.
//
// conform:category pkg-order
// conform:kernel

package main

import "fmt"

var total = double(base) + offset

var base = 20

const offset = 2

func double(n int) int { return 2 * n }

func main() {
	fmt.Println(total, base)
}
