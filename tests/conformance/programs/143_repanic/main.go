// A recovered panic re-raised from a defer is caught by an outer recover.
//
// conform:category defer-panic

package main

import "fmt"

func inner() {
	defer func() {
		r := recover()
		fmt.Println("inner saw:", r)
		panic(fmt.Sprint("wrapped(", r, ")"))
	}()
	panic("original")
}

func main() {
	defer func() {
		fmt.Println("main recovered:", recover())
	}()
	inner()
}
