// Values put in a loop, each read back by a task that receives the ref.
//
// conform:category ray

package main

import (
	"fmt"
	"strings"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	shout := ray.Remote(func(s string) string { return strings.ToUpper(s) + "!" })
	var refs []ray.ObjectRef
	for _, w := range []string{"one", "two", "three"} {
		refs = append(refs, shout.Remote(ray.Put(w)))
	}
	fmt.Println(ray.GetAll(refs...))
}
