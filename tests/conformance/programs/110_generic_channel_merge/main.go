// A generic channel merge of several producers.
//
// conform:category generics

package main

import (
	"fmt"
	"sort"
	"sync"
)

func Merge[T any](chans ...<-chan T) <-chan T {
	out := make(chan T)
	var wg sync.WaitGroup
	for _, c := range chans {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range c {
				out <- v
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

func produce[T any](vs ...T) <-chan T {
	c := make(chan T)
	go func() {
		defer close(c)
		for _, v := range vs {
			c <- v
		}
	}()
	return c
}

func main() {
	var got []int
	for v := range Merge(produce(1, 2), produce(3), produce(4, 5, 6)) {
		got = append(got, v)
	}
	sort.Ints(got)
	fmt.Println(got)
}
