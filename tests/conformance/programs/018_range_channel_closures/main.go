// Closures created while ranging over a channel capture each received value.
//
// conform:category loops

package main

import "fmt"

func main() {
	ch := make(chan string, 3)
	ch <- "x"
	ch <- "y"
	ch <- "z"
	close(ch)
	var fs []func() string
	for v := range ch {
		fs = append(fs, func() string { return v + v })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}
