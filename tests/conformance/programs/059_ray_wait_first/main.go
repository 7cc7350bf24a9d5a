// ray.Wait with numReturns 1 returns one ready ref; all refs finish.
//
// conform:category ray

package main

import (
	"fmt"
	"sort"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	f := ray.Remote(func(i int) int { return i + 100 })
	var refs []ray.ObjectRef
	for i := 0; i < 3; i++ {
		refs = append(refs, f.Remote(i))
	}
	ready, rest := ray.Wait(refs, 1, -1)
	fmt.Println(len(ready) >= 1, len(ready)+len(rest))
	var got []int
	for len(refs) > 0 {
		ready, refs = ray.Wait(refs, 1, -1)
		for _, r := range ready {
			got = append(got, ray.Get(r).(int))
		}
	}
	sort.Ints(got)
	fmt.Println(got)
}
