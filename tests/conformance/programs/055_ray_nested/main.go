// A task that submits tasks and waits for them (nested tasks).
//
// conform:category ray
// conform:kernel

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	ray.Init(ray.NumCPUs(2))
	leaf := ray.Remote(func(i int) int { return i * 10 })
	parent := ray.Remote(func(n int) int {
		var refs []ray.ObjectRef
		for i := 0; i < n; i++ {
			refs = append(refs, leaf.Remote(i))
		}
		s := 0
		for _, v := range ray.GetAll(refs...) {
			s += v.(int)
		}
		return s
	})
	var outer []ray.ObjectRef
	for n := 1; n <= 4; n++ {
		outer = append(outer, parent.Remote(n))
	}
	fmt.Println(ray.GetAll(outer...))
}
