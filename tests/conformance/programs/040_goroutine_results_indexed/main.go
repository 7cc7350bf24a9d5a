// Goroutines send (index, value) pairs; main places them by index.
//
// conform:category goroutines

package main

import (
	"fmt"
	"strings"
)

type res struct {
	i int
	s string
}

func main() {
	words := []string{"alpha", "beta", "gamma", "delta"}
	ch := make(chan res)
	for i, w := range words {
		go func() { ch <- res{i, strings.ToUpper(w)} }()
	}
	out := make([]string, len(words))
	for range words {
		r := <-ch
		out[r.i] = r.s
	}
	fmt.Println(strings.Join(out, " "))
}
