// A 2D grid as a slice of slices; copy and append aliasing.
//
// conform:category maps-strings

package main

import "fmt"

func main() {
	grid := make([][]int, 3)
	for i := range grid {
		grid[i] = make([]int, 3)
		for j := range grid[i] {
			grid[i][j] = i * j
		}
	}
	fmt.Println(grid)
	a := []int{1, 2, 3, 4}
	b := a[:2]
	b = append(b, 99)
	c := make([]int, 2)
	n := copy(c, a)
	fmt.Println(a, b, c, n, cap(a[1:3]))
}
