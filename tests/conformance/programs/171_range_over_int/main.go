// Range over an integer, with and without a loop variable.
//
// conform:category modern-stdlib
// conform:kernel

package main

import "fmt"

func main() {
	for i := range 3 {
		fmt.Print(i, " ")
	}
	n := 0
	for range 5 {
		n++
	}
	fmt.Println(n)
}
