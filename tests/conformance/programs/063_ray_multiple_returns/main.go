// A task with several results via Options(NumReturns) and RemoteN.
//
// conform:category ray

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func divmod(a, b int) (int, int) { return a / b, a % b }

func main() {
	f := ray.Remote(divmod).Options(ray.NumReturns(2))
	refs := f.RemoteN(17, 5)
	fmt.Println(len(refs), ray.Get(refs[0]), ray.Get(refs[1]))
}
