// Deferred closures in a loop capture the per-iteration variable.
//
// conform:category loops

package main

import "fmt"

func run() {
	for i := 0; i < 3; i++ {
		defer func() { fmt.Println("closure", i) }()
	}
}

func main() {
	run()
}
