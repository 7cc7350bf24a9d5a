// A remote closure created in a loop over a variable declared in the body.
//
// conform:category ray

package main

import (
	"fmt"
	"strings"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	words := []string{"go", "ray", "warren"}
	var refs []ray.ObjectRef
	for _, w := range words {
		up := strings.ToUpper(w)
		refs = append(refs, ray.Remote(func() string { return up + "/" + w }).Remote())
	}
	fmt.Println(ray.GetAll(refs...))
}
