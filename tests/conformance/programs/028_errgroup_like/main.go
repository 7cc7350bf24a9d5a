// An errgroup-like group: first error wins, all goroutines awaited.
//
// conform:category goroutines

package main

import (
	"errors"
	"fmt"
	"sync"
)

type group struct {
	wg   sync.WaitGroup
	once sync.Once
	err  error
}

func (g *group) Go(f func() error) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.once.Do(func() { g.err = err })
		}
	}()
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

func main() {
	var g group
	results := make([]int, 4)
	for i := 0; i < 4; i++ {
		g.Go(func() error {
			if i == 2 {
				return errors.New("task 2 failed")
			}
			results[i] = i + 1
			return nil
		})
	}
	fmt.Println(g.Wait())
	fmt.Println(results)
}
