// Tasks chained through refs: each task's input is the previous task's result.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	inc := ray.Remote(func(x int) int { return x + 1 })
	ref := ray.Put(0)
	for k := 0; k < 5; k++ {
		ref = inc.Remote(ref)
	}
	fmt.Println(ray.Get(ref))
}
