// os.Exit with a non-zero status after some output; deferred calls do not run.
//
// conform:category main
// conform:kernel

package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: must not print")
	fmt.Println("working")
	os.Exit(3)
}
