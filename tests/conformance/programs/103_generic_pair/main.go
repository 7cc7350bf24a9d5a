// A generic struct with two type parameters.
//
// conform:category generics

package main

import "fmt"

type Pair[K comparable, V any] struct {
	Key K
	Val V
}

func MakePair[K comparable, V any](k K, v V) Pair[K, V] { return Pair[K, V]{k, v} }

func main() {
	p := MakePair("one", 1)
	q := MakePair(2, []string{"two"})
	fmt.Println(p.Key, p.Val, q.Key, q.Val)
	fmt.Printf("%v %+v\n", p, q)
}
