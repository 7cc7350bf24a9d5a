// select with default on full and empty channels.
//
// conform:category goroutines

package main

import "fmt"

func main() {
	ch := make(chan int, 1)
	for i := 0; i < 3; i++ {
		select {
		case ch <- i:
			fmt.Println("sent", i)
		default:
			fmt.Println("full at", i)
		}
	}
	for i := 0; i < 2; i++ {
		select {
		case v := <-ch:
			fmt.Println("received", v)
		default:
			fmt.Println("empty")
		}
	}
}
