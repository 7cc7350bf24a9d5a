// Defers in a helper called per loop iteration run at the helper's return.
//
// conform:category defer-panic

package main

import "fmt"

type resource struct{ id int }

func open(id int) *resource { fmt.Println("open", id); return &resource{id} }
func (r *resource) Close()  { fmt.Println("close", r.id) }

func use(id int) {
	r := open(id)
	defer r.Close()
	fmt.Println("use", r.id)
}

func main() {
	for i := 0; i < 3; i++ {
		use(i)
	}
}
