// A generic function constrained by an interface with a method.
//
// conform:category generics

package main

import (
	"fmt"
	"strings"
)

type Shower interface {
	Show() string
}

type item int

func (i item) Show() string { return fmt.Sprintf("<%d>", int(i)) }

func JoinAll[T Shower](xs []T) string {
	var parts []string
	for _, x := range xs {
		parts = append(parts, x.Show())
	}
	return strings.Join(parts, ",")
}

func main() {
	fmt.Println(JoinAll([]item{1, 2, 3}))
}
