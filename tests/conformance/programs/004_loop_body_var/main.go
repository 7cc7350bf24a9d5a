// A variable declared in a loop body and captured by a closure is per iteration.
//
// conform:category loops

package main

import "fmt"

func main() {
	var fs []func() int
	for i := 0; i < 3; i++ {
		sq := i * i
		fs = append(fs, func() int { return sq })
	}
	for _, f := range fs {
		fmt.Println(f())
	}
}
