// Panicking with a custom error value and recovering it with a type assertion.
//
// conform:category defer-panic

package main

import "fmt"

type fault struct{ code int }

func (f fault) Error() string { return fmt.Sprint("fault ", f.code) }

func risky(n int) {
	if n == 3 {
		panic(fault{n})
	}
}

func main() {
	for i := 1; i <= 4; i++ {
		func() {
			defer func() {
				if r := recover(); r != nil {
					if f, ok := r.(fault); ok {
						fmt.Println("recovered", f.code, f)
					}
				}
			}()
			risky(i)
			fmt.Println("ok", i)
		}()
	}
}
