// A goroutine recovers its own panic and reports it on a channel.
//
// conform:category goroutines

package main

import "fmt"

func main() {
	errs := make(chan string)
	for i := 0; i < 3; i++ {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					errs <- fmt.Sprint("recovered: ", r)
					return
				}
				errs <- "ok"
			}()
			if i == 1 {
				panic(fmt.Sprint("bad ", i))
			}
		}()
	}
	n := map[string]int{}
	for k := 0; k < 3; k++ {
		n[<-errs]++
	}
	fmt.Println(n["ok"], n["recovered: bad 1"])
}
