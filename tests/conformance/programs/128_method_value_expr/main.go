// Method values and method expressions.
//
// conform:category types

package main

import "fmt"

type acc struct{ total int }

func (a *acc) Add(n int) { a.total += n }
func (a acc) Get() int   { return a.total }

func main() {
	a := &acc{}
	add := a.Add
	for i := 1; i <= 4; i++ {
		add(i)
	}
	get := acc.Get
	addExpr := (*acc).Add
	addExpr(a, 100)
	fmt.Println(a.Get(), get(*a))
}
