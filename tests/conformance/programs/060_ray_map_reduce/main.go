// Map-reduce over chunks with ray tasks.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	data := make([]int, 100)
	for i := range data {
		data[i] = i + 1
	}
	partial := ray.Remote(func(xs []int) int {
		s := 0
		for _, x := range xs {
			s += x
		}
		return s
	})
	var refs []ray.ObjectRef
	for start := 0; start < len(data); start += 25 {
		refs = append(refs, partial.Remote(data[start:start+25]))
	}
	// conform:cell
	total := 0
	for _, v := range ray.GetAll(refs...) {
		total += v.(int)
	}
	fmt.Println(len(refs), total)
}
