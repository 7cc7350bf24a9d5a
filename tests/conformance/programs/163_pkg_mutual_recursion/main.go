// Mutually recursive functions at package level.
//
// conform:category pkg-order

package main

import "fmt"

func isEven(n int) bool {
	if n == 0 {
		return true
	}
	return isOdd(n - 1)
}

func isOdd(n int) bool {
	if n == 0 {
		return false
	}
	return isEven(n - 1)
}

func main() {
	for i := 0; i < 5; i++ {
		fmt.Print(isEven(i), " ")
	}
	fmt.Println()
}
