// A method value as a remote function.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

type scaler struct{ k int }

func (s scaler) apply(x int) int { return s.k * x }

func main() {
	s := scaler{k: 7}
	f := ray.Remote(s.apply)
	var refs []ray.ObjectRef
	for i := 1; i <= 3; i++ {
		refs = append(refs, f.Remote(i))
	}
	fmt.Println(ray.GetAll(refs...))
}
