// return <-ch and a receive used directly as an argument.
//
// conform:category goroutines

package main

import "fmt"

func first(ch <-chan int) int {
	return <-ch
}

func main() {
	ch := make(chan int, 3)
	for i := 1; i <= 3; i++ {
		ch <- i * 7
	}
	fmt.Println(first(ch))
	fmt.Println(<-ch + <-ch)
}
