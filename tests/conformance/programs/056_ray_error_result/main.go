// A task returning an error fails; Get panics with a TaskError whose cause errors.Is finds.
//
// conform:category ray

package main

import (
	"errors"
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

var errOdd = errors.New("odd input")

func check(x int) (int, error) {
	if x%2 == 1 {
		return 0, errOdd
	}
	return x / 2, nil
}

func get(ref ray.ObjectRef) (v any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = r.(error)
		}
	}()
	return ray.Get(ref), nil
}

func main() {
	f := ray.Remote(check)
	for i := 0; i < 4; i++ {
		v, err := get(f.Remote(i))
		var te *ray.TaskError
		fmt.Println(i, v, errors.Is(err, errOdd), errors.As(err, &te))
	}
}
