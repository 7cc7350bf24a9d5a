// ray.GetContext and GetAllContext return values and a task's error instead of panicking.
//
// conform:category ray

package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	ctx := context.Background()
	parse := ray.Remote(strconv.Atoi)
	v, err := ray.GetContext(ctx, parse.Remote("41"))
	fmt.Println(v, err)
	_, err = ray.GetAllContext(ctx, parse.Remote("1"), parse.Remote("x"))
	var ne *strconv.NumError
	fmt.Println(err != nil, errors.As(err, &ne))
}
