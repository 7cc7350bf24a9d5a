// A remote function called with loop values as arguments.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	square := ray.Remote(func(x int) int { return x * x })
	var refs []ray.ObjectRef
	for i := 0; i < 5; i++ {
		refs = append(refs, square.Remote(i))
	}
	// conform:cell
	for i, v := range ray.GetAll(refs...) {
		fmt.Println(i, v.(int))
	}
}
