// Closures created in a 3-clause loop see their own iteration's i (Go 1.22).
//
// conform:category loops
// conform:kernel

package main

import "fmt"

func main() {
	var fs []func() int
	for i := 0; i < 3; i++ {
		fs = append(fs, func() int { return i * 10 })
	}
	// conform:cell
	for _, f := range fs {
		fmt.Println(f())
	}
}
