// Tasks update shared state under a mutex; the total is deterministic.
//
// conform:category ray

package main

import (
	"fmt"
	"sync"

	ray "github.com/warren-go/warren/parallel"
)

type tally struct {
	mu sync.Mutex
	n  map[string]int
}

func (t *tally) add(k string, v int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n[k] += v
}

func main() {
	t := &tally{n: map[string]int{}}
	work := ray.Remote(func(i int) bool {
		t.add([]string{"a", "b"}[i%2], i)
		return true
	})
	var refs []ray.ObjectRef
	for i := 0; i < 10; i++ {
		refs = append(refs, work.Remote(i))
	}
	ray.GetAll(refs...)
	fmt.Println(t.n["a"], t.n["b"])
}
