// A 3-clause loop with two variables, both captured.
//
// conform:category loops

package main

import "fmt"

func main() {
	var fs []func() string
	for i, j := 0, 10; i < j; i, j = i+3, j-3 {
		fs = append(fs, func() string { return fmt.Sprint(i, ":", j) })
	}
	for _, f := range fs {
		fmt.Println(f())
	}
}
