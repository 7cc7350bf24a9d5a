// Tasks returning user struct values read back through type assertions.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

type point struct{ X, Y int }

func main() {
	mk := ray.Remote(func(i int) point { return point{i, i * i} })
	var refs []ray.ObjectRef
	for i := 1; i <= 3; i++ {
		refs = append(refs, mk.Remote(i))
	}
	for _, v := range ray.GetAll(refs...) {
		p := v.(point)
		fmt.Println(p.X, p.Y)
	}
}
