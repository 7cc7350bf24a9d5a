// errors.Join of several errors; errors.Is reaches each.
//
// conform:category types

package main

import (
	"errors"
	"fmt"
)

var errA = errors.New("a failed")
var errB = errors.New("b failed")

func main() {
	var errs []error
	for i, e := range []error{errA, nil, errB} {
		if e != nil {
			errs = append(errs, fmt.Errorf("item %d: %w", i, e))
		}
	}
	err := errors.Join(errs...)
	fmt.Println(err)
	fmt.Println(errors.Is(err, errA), errors.Is(err, errB))
}
