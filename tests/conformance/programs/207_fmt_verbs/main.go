// fmt verbs on builtin values: widths, precision, %q, %x, %08b, %#v.
//
// conform:category maps-strings

package main

import "fmt"

type pt struct {
	X int
	Y string
}

func main() {
	fmt.Printf("|%5d|%-5d|%05.1f|%x|%08b|\n", 42, 42, 3.14159, 255, 5)
	fmt.Printf("%q %v %#v\n", "go", []string{"a"}, pt{1, "y"})
	fmt.Printf("%t %c %U %e\n", true, 'G', 'G', 1234.5)
	fmt.Println(fmt.Sprint("a", 1, 2, "b"), fmt.Sprintln("end"))
}
