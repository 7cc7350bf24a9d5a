// Closures in a loop with continue and break.
//
// conform:category loops

package main

import "fmt"

func main() {
	var fs []func() int
	for i := 0; ; i++ {
		if i%2 == 1 {
			continue
		}
		if i > 6 {
			break
		}
		fs = append(fs, func() int { return i })
	}
	for _, f := range fs {
		fmt.Print(f(), " ")
	}
	fmt.Println(len(fs))
}
