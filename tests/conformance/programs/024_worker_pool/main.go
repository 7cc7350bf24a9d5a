// A worker pool over a jobs channel with a results channel.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sort"
	"sync"
)

type result struct{ job, value int }

func worker(jobs <-chan int, results chan<- result, wg *sync.WaitGroup) {
	defer wg.Done()
	for j := range jobs {
		results <- result{j, j * j}
	}
}

func main() {
	jobs := make(chan int)
	results := make(chan result, 10)
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go worker(jobs, results, &wg)
	}
	// conform:cell
	for j := 1; j <= 9; j++ {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	close(results)
	var rs []result
	for r := range results {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(a, b int) bool { return rs[a].job < rs[b].job })
	for _, r := range rs {
		fmt.Println(r.job, r.value)
	}
}
