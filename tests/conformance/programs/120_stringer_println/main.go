// A Stringer's String method is used by fmt.Println and %v.
//
// conform:category types
// conform:kernel

package main

import "fmt"

type point struct{ X, Y int }

func (p point) String() string { return fmt.Sprintf("(%d,%d)", p.X, p.Y) }

func main() {
	p := point{1, 2}
	fmt.Println(p)
	fmt.Printf("%v %s\n", p, p)
	fmt.Println([]point{{3, 4}, {5, 6}})
}
