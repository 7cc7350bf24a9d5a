// Remote functions with task options created in a loop, each capturing its own multiplier.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	var refs []ray.ObjectRef
	for k := 1; k <= 3; k++ {
		mul := ray.Remote(func(x int) int { return k * x }).Options(ray.TaskName(fmt.Sprint("mul", k)))
		refs = append(refs, mul.Remote(10))
	}
	fmt.Println(ray.GetAll(refs...))
}
