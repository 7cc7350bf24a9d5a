// A panicking task fails with a TaskError carrying the message; the program recovers it.
//
// conform:category ray

package main

import (
	"errors"
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	boom := ray.Remote(func(i int) int {
		if i == 2 {
			panic("boom at 2")
		}
		return i
	})
	for i := 0; i < 3; i++ {
		func() {
			defer func() {
				if r := recover(); r != nil {
					var te *ray.TaskError
					if err, ok := r.(error); ok && errors.As(err, &te) {
						fmt.Println(i, "failed:", te.Message)
					}
				}
			}()
			fmt.Println(i, "ok:", ray.Get(boom.Remote(i)))
		}()
	}
}
