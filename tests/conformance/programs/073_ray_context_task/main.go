// A task taking a context.Context as its first parameter gets one from the runtime.
//
// conform:category ray

package main

import (
	"context"
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	f := ray.Remote(func(ctx context.Context, n int) string {
		return fmt.Sprint(ctx != nil, ctx.Err(), n)
	})
	var refs []ray.ObjectRef
	for n := 0; n < 3; n++ {
		refs = append(refs, f.Remote(n))
	}
	for _, v := range ray.GetAll(refs...) {
		fmt.Println(v)
	}
}
