// Writing the loop variable inside the body affects the next iteration's copy.
//
// conform:category loops

package main

import "fmt"

func main() {
	var fs []func() int
	for i := 0; i < 10; i++ {
		fs = append(fs, func() int { return i })
		i += 2
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println()
}
