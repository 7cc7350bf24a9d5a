// Deferred calls inside tasks run before the result is read.
//
// conform:category ray

package main

import (
	"fmt"
	"sync"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	var mu sync.Mutex
	log := map[int]bool{}
	f := ray.Remote(func(i int) int {
		defer func() {
			mu.Lock()
			log[i] = true
			mu.Unlock()
		}()
		return i + 1
	})
	var refs []ray.ObjectRef
	for i := 0; i < 3; i++ {
		refs = append(refs, f.Remote(i))
	}
	fmt.Println(ray.GetAll(refs...))
	mu.Lock()
	fmt.Println(len(log), log[0], log[1], log[2])
	mu.Unlock()
}
