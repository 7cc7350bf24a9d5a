// Interleaved stdout and stderr writes keep their order.
//
// conform:category main

package main

import (
	"fmt"
	"os"
)

func main() {
	for i := 0; i < 3; i++ {
		fmt.Println("out", i)
		fmt.Fprintln(os.Stderr, "err", i)
	}
	println("builtin println goes to stderr")
}
