// A labeled break out of a for-select loop when a channel closes.
//
// conform:category goroutines

package main

import "fmt"

func main() {
	data := make(chan int)
	quit := make(chan struct{})
	go func() {
		for i := 1; i <= 4; i++ {
			data <- i
		}
		close(data)
	}()
	total := 0
loop:
	for {
		select {
		case v, ok := <-data:
			if !ok {
				break loop
			}
			total += v
		case <-quit:
			break loop
		}
	}
	fmt.Println("total", total)
}
