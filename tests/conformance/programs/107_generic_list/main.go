// A generic linked list with an iterator method and a generic Each.
//
// conform:category generics

package main

import "fmt"

type List[T any] struct {
	head *node[T]
	size int
}

type node[T any] struct {
	val  T
	next *node[T]
}

func (l *List[T]) Prepend(v T) {
	l.head = &node[T]{v, l.head}
	l.size++
}

func (l *List[T]) Each(f func(T)) {
	for n := l.head; n != nil; n = n.next {
		f(n.val)
	}
}

func main() {
	var l List[float64]
	for i := 0; i < 4; i++ {
		l.Prepend(float64(i) / 2)
	}
	l.Each(func(v float64) { fmt.Print(v, " ") })
	fmt.Println(l.size)
}
