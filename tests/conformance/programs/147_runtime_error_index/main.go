// An index-out-of-range runtime error recovered as runtime.Error.
//
// conform:category defer-panic

package main

import (
	"fmt"
	"runtime"
)

func at(xs []int, i int) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(runtime.Error); ok {
				err = re
			}
		}
	}()
	return xs[i], nil
}

func main() {
	xs := []int{1, 2, 3}
	fmt.Println(at(xs, 1))
	_, err := at(xs, 5)
	fmt.Println(err)
}
