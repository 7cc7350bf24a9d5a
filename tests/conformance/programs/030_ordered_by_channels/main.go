// Goroutines printing in a fixed order handed over by channels.
//
// conform:category goroutines
// conform:kernel

package main

import "fmt"

func main() {
	const n = 4
	chans := make([]chan struct{}, n+1)
	for i := range chans {
		chans[i] = make(chan struct{})
	}
	for i := 0; i < n; i++ {
		go func() {
			<-chans[i]
			fmt.Println("goroutine", i)
			chans[i+1] <- struct{}{}
		}()
	}
	chans[0] <- struct{}{}
	<-chans[n]
	fmt.Println("all done")
}
