// recover returns nil when not panicking and when not called directly by the deferred function.
//
// conform:category defer-panic

package main

import "fmt"

func helper() any { return recover() }

func main() {
	fmt.Println(recover())
	func() {
		defer func() {
			fmt.Println("direct:", recover())
		}()
		panic("p1")
	}()
	func() {
		defer func() {
			fmt.Println("direct after indirect:", helper() == nil, recover())
		}()
		panic("p2")
	}()
}
