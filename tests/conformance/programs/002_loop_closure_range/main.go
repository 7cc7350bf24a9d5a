// Closures created in a range loop see their own element.
//
// conform:category loops

package main

import "fmt"

func main() {
	words := []string{"a", "b", "c"}
	var fs []func() string
	for i, w := range words {
		fs = append(fs, func() string { return fmt.Sprint(i, w) })
	}
	for _, f := range fs {
		fmt.Println(f())
	}
}
