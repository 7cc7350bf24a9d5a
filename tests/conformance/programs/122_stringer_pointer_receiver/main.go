// String on a pointer receiver is used for pointers only.
//
// conform:category types

package main

import "fmt"

type counter struct{ n int }

func (c *counter) String() string { return fmt.Sprintf("counter=%d", c.n) }

func main() {
	c := &counter{n: 3}
	fmt.Println(c)
	fmt.Println(*c)
}
