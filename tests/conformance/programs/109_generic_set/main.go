// A generic Set built on a map, with sorted output.
//
// conform:category generics

package main

import (
	"fmt"
	"sort"
)

type Set[T comparable] map[T]struct{}

func (s Set[T]) Add(v T)           { s[v] = struct{}{} }
func (s Set[T]) Has(v T) bool      { _, ok := s[v]; return ok }
func NewSet[T comparable]() Set[T] { return Set[T]{} }

func main() {
	s := NewSet[string]()
	for _, w := range []string{"go", "ray", "go", "kernel"} {
		s.Add(w)
	}
	var ws []string
	for w := range s {
		ws = append(ws, w)
	}
	sort.Strings(ws)
	fmt.Println(len(s), ws, s.Has("ray"), s.Has("python"))
}
