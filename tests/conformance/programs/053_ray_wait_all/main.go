// ray.Wait for all refs with no timeout, results read in submission order.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	f := ray.Remote(func(s string) string { return s + "!" })
	refs := []ray.ObjectRef{f.Remote("a"), f.Remote("b"), f.Remote("c")}
	ready, notReady := ray.Wait(refs, len(refs), -1)
	fmt.Println(len(ready), len(notReady))
	for _, r := range refs {
		fmt.Println(ray.Get(r))
	}
}
