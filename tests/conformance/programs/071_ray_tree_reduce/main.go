// A tree reduction: pairs of refs summed by tasks until one remains.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	add := ray.Remote(func(a, b int) int { return a + b })
	var level []ray.ObjectRef
	for i := 1; i <= 8; i++ {
		level = append(level, ray.Put(i))
	}
	// conform:cell
	rounds := 0
	for len(level) > 1 {
		var next []ray.ObjectRef
		for i := 0; i+1 < len(level); i += 2 {
			next = append(next, add.Remote(level[i], level[i+1]))
		}
		level = next
		rounds++
	}
	fmt.Println(ray.Get(level[0]), rounds)
}
