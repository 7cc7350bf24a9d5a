// errors.Is finds a sentinel error through two levels of wrapping.
//
// conform:category types

package main

import (
	"errors"
	"fmt"
	"io/fs"
)

var ErrLimit = errors.New("limit reached")

func step(n int) error {
	if n > 2 {
		return fmt.Errorf("step %d: %w", n, ErrLimit)
	}
	return nil
}

func run() error {
	for i := 0; i < 5; i++ {
		if err := step(i); err != nil {
			return fmt.Errorf("run: %w", err)
		}
	}
	return nil
}

func main() {
	err := run()
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrLimit), errors.Is(err, fs.ErrNotExist))
}
