// ray.Put and ray.Get round-trip values, and a ref passed as an argument is resolved.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	data := ray.Put([]int{1, 2, 3, 4})
	sum := ray.Remote(func(xs []int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})
	fmt.Println(ray.Get(data))
	fmt.Println(ray.Get(sum.Remote(data)))
}
