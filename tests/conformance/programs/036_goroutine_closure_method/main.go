// Goroutines calling a method value captured in a loop.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

type acc struct{ name string }

func (a acc) tag(i int) string { return fmt.Sprintf("%s-%d", a.name, i) }

func main() {
	accs := []acc{{"x"}, {"y"}, {"z"}}
	out := make([]string, len(accs))
	var wg sync.WaitGroup
	for i, a := range accs {
		f := a.tag
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = f(i)
		}()
	}
	wg.Wait()
	fmt.Println(out)
}
