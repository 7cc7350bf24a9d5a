// comma-ok forms as statements at main's top level (top-level cell statements in the cells form).
//
// conform:category pkg-order

package main

import "fmt"

type named string

func main() {
	m := map[string]int{"a": 1}
	v, ok := m["a"]
	w, found := m["b"]
	var x any = named("n")
	s, isStr := x.(string)
	n, isNamed := x.(named)
	ch := make(chan int, 1)
	ch <- 5
	close(ch)
	r, open := <-ch
	r2, open2 := <-ch
	fmt.Println(v, ok, w, found)
	fmt.Printf("%q %v %q %v\n", s, isStr, string(n), isNamed)
	fmt.Println(r, open, r2, open2)
}
