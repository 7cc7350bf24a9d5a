// A closure declared inside a variadic function reads the variadic parameter.
//
// conform:category loops

package main

import "fmt"

func apply(prefix string, xs ...int) []string {
	format := func(x int) string { return fmt.Sprint(prefix, x, "/", len(xs)) }
	var out []string
	for _, x := range xs {
		out = append(out, format(x))
	}
	return out
}

func main() {
	fmt.Println(apply("n", 1, 2, 3))
	fmt.Println(apply("m"))
}
