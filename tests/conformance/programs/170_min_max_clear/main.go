// Built-ins min, max and clear.
//
// conform:category modern-stdlib

package main

import "fmt"

func main() {
	fmt.Println(min(3, 1, 2), max(3, 1, 2), min(2.5, 1.5), max("a", "b"))
	m := map[string]int{"a": 1, "b": 2}
	s := []int{1, 2, 3}
	clear(m)
	clear(s)
	fmt.Println(len(m), s)
}
