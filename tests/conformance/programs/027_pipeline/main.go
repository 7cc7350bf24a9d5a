// A three-stage pipeline of goroutines connected by channels.
//
// conform:category goroutines

package main

import "fmt"

func main() {
	src := make(chan int)
	sq := make(chan int)
	go func() {
		for i := 1; i <= 5; i++ {
			src <- i
		}
		close(src)
	}()
	go func() {
		for v := range src {
			sq <- v * v
		}
		close(sq)
	}()
	sum := 0
	for v := range sq {
		fmt.Println("got", v)
		sum += v
	}
	fmt.Println("sum", sum)
}
