// A bounded queue with sync.Cond; consumer sums what producers put.
//
// conform:category goroutines

package main

import (
	"fmt"
	"sync"
)

type queue struct {
	mu    sync.Mutex
	cond  *sync.Cond
	items []int
	done  bool
}

func newQueue() *queue {
	q := &queue{}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *queue) put(v int) {
	q.mu.Lock()
	q.items = append(q.items, v)
	q.mu.Unlock()
	q.cond.Signal()
}

func (q *queue) close() {
	q.mu.Lock()
	q.done = true
	q.mu.Unlock()
	q.cond.Broadcast()
}

func (q *queue) get() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.done {
		q.cond.Wait()
	}
	if len(q.items) == 0 {
		return 0, false
	}
	v := q.items[0]
	q.items = q.items[1:]
	return v, true
}

func main() {
	q := newQueue()
	var wg sync.WaitGroup
	for p := 0; p < 3; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 1; i <= 4; i++ {
				q.put(p*10 + i)
			}
		}()
	}
	go func() {
		wg.Wait()
		q.close()
	}()
	sum, n := 0, 0
	for {
		v, ok := q.get()
		if !ok {
			break
		}
		sum += v
		n++
	}
	fmt.Println(n, sum)
}
