// Structs as map keys and == comparison of user types.
//
// conform:category types

package main

import "fmt"

type key struct {
	X, Y int
}

func main() {
	grid := map[key]string{}
	for x := 0; x < 2; x++ {
		for y := 0; y < 2; y++ {
			grid[key{x, y}] = fmt.Sprint(x, y)
		}
	}
	k := key{1, 2}
	fmt.Println(len(grid), grid[key{1, 0}], k == key{1, 2}, k == key{2, 1})
}
