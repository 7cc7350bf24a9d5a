// sync.OnceValue and sync.OnceValues compute once.
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"sync"
)

func main() {
	calls := 0
	get := sync.OnceValue(func() int {
		calls++
		return 42
	})
	pair := sync.OnceValues(func() (string, error) { return "cfg", nil })
	fmt.Println(get(), get(), calls)
	fmt.Println(pair())
}
