// A function uses a type declared after it; the type's method after main.
//
// conform:category pkg-order

package main

import "fmt"

func newThing() *thing { return &thing{name: "t1"} }

func main() {
	fmt.Println(newThing().label())
}

type thing struct{ name string }

func (t *thing) label() string { return "thing:" + t.name }
