// ray.Wait with a zero timeout on finished tasks, then GetAll in order.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	id := ray.Remote(func(s string) string { return s })
	refs := []ray.ObjectRef{id.Remote("p"), id.Remote("q")}
	ray.GetAll(refs...)
	ready, notReady := ray.Wait(refs, 2, 0)
	fmt.Println(len(ready), len(notReady))
	for i, v := range ray.GetAll(refs...) {
		fmt.Println(i, v)
	}
}
