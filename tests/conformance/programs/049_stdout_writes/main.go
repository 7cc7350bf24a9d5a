// Writes through os.Stdout directly and from a goroutine before it is awaited.
//
// conform:category goroutines

package main

import (
	"fmt"
	"os"
	"sync"
)

func main() {
	os.Stdout.WriteString("direct write\n")
	fmt.Fprintln(os.Stdout, "fprintln to os.Stdout")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		fmt.Println("from a goroutine")
	}()
	wg.Wait()
	fmt.Fprintf(os.Stderr, "to stderr %d\n", 1)
}
