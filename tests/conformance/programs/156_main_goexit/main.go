// runtime.Goexit in main: deferred calls run, then the program dies (no goroutines left).
//
// conform:category main

package main

import (
	"fmt"
	"runtime"
)

func main() {
	defer fmt.Println("deferred runs")
	fmt.Println("before Goexit")
	runtime.Goexit()
}
