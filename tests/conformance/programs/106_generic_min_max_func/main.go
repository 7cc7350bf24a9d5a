// A generic Max with a custom ~string constraint and a generic type alias-free set.
//
// conform:category generics

package main

import "fmt"

type Ordered interface {
	~int | ~string | ~float64
}

func Max[T Ordered](a T, rest ...T) T {
	m := a
	for _, x := range rest {
		if x > m {
			m = x
		}
	}
	return m
}

type name string

func main() {
	fmt.Println(Max(3, 9, 2))
	fmt.Println(Max("pear", "apple", "zucchini"))
	fmt.Println(Max[name]("bob", "alice"))
}
