// A custom error type found with errors.As through %w wrapping.
//
// conform:category types

package main

import (
	"errors"
	"fmt"
)

type NotFound struct{ Key string }

func (e *NotFound) Error() string { return "not found: " + e.Key }

func lookup(k string) error {
	return fmt.Errorf("lookup failed: %w", &NotFound{Key: k})
}

func main() {
	err := lookup("alpha")
	fmt.Println(err)
	var nf *NotFound
	if errors.As(err, &nf) {
		fmt.Println("key:", nf.Key)
	}
}
