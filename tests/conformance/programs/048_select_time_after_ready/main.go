// select between a ready channel and a far-off time.After picks the ready one.
//
// conform:category goroutines

package main

import (
	"fmt"
	"time"
)

func main() {
	ready := make(chan string, 1)
	for i := 0; i < 3; i++ {
		ready <- fmt.Sprint("msg", i)
		select {
		case m := <-ready:
			fmt.Println("got", m)
		case <-time.After(time.Hour):
			fmt.Println("timeout")
		}
	}
	fmt.Println(1500*time.Millisecond, time.Duration(90)*time.Second)
}
