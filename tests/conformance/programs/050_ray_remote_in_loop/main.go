// ray.Remote(func...) created in a loop captures the loop variable per iteration.
//
// conform:category ray
// conform:kernel

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	var refs []ray.ObjectRef
	for i := 0; i < 4; i++ {
		refs = append(refs, ray.Remote(func() int { return i * i }).Remote())
	}
	fmt.Println(ray.GetAll(refs...))
}
