// Fan-in with select over two channels until both are closed.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sort"
)

func gen(prefix string, n int) <-chan string {
	ch := make(chan string)
	go func() {
		defer close(ch)
		for i := 0; i < n; i++ {
			ch <- fmt.Sprint(prefix, i)
		}
	}()
	return ch
}

func main() {
	a, b := gen("a", 3), gen("b", 2)
	var got []string
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			got = append(got, v)
		case v, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			got = append(got, v)
		}
	}
	sort.Strings(got)
	fmt.Println(got)
}
