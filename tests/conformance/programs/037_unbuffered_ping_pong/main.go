// Ping-pong between two goroutines over unbuffered channels.
//
// conform:category goroutines

package main

import "fmt"

func main() {
	ping, pong := make(chan int), make(chan int)
	done := make(chan bool)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	go func() {
		for v := range pong {
			fmt.Println("pong", v)
		}
		done <- true
	}()
	for i := 0; i < 3; i++ {
		ping <- i * 10
	}
	close(ping)
	<-done
}
