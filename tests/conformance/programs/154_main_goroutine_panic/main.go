// An unrecovered panic in a goroutine crashes the program while main waits.
//
// conform:category main

package main

import "fmt"

func main() {
	fmt.Println("start")
	never := make(chan bool)
	go func() {
		panic("worker exploded")
	}()
	<-never
	fmt.Println("not reached")
}
