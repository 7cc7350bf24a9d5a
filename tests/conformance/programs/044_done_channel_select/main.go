// A ticker-free generator stopped through a done channel and select.
//
// conform:category goroutines

package main

import "fmt"

func naturals(done <-chan struct{}) <-chan int {
	out := make(chan int)
	go func() {
		defer close(out)
		for i := 0; ; i++ {
			select {
			case out <- i:
			case <-done:
				return
			}
		}
	}()
	return out
}

func main() {
	done := make(chan struct{})
	ns := naturals(done)
	sum := 0
	for v := range ns {
		if v == 10 {
			close(done)
			break
		}
		sum += v
	}
	for range ns {
	}
	fmt.Println("sum", sum)
}
