// A custom context key type does not collide with a plain string key.
//
// conform:category types

package main

import (
	"context"
	"fmt"
)

type ctxKey string

func main() {
	ctx := context.WithValue(context.Background(), ctxKey("user"), "alice")
	//lint:ignore SA1029 a plain string key is what the program compares against
	ctx = context.WithValue(ctx, "user", "bob")
	fmt.Println(ctx.Value(ctxKey("user")), ctx.Value("user"))
}
