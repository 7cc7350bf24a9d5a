// %T prints the user type's name.
//
// conform:category types

package main

import "fmt"

type celsius float64

type box struct{ S string }

func main() {
	var c celsius = 21.5
	fmt.Printf("%T %T %T\n", c, box{"x"}, &box{})
	fmt.Printf("%v %+v\n", box{"y"}, box{"z"})
}
