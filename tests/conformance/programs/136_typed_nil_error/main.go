// A nil pointer stored in an error interface is not a nil error.
//
// conform:category types

package main

import "fmt"

type myErr struct{}

func (*myErr) Error() string { return "my error" }

func mayFail(fail bool) error {
	var p *myErr
	if fail {
		p = &myErr{}
	}
	return p
}

func main() {
	//lint:ignore SA4023 the typed-nil comparison is what the program checks
	fmt.Println(mayFail(false) == nil, mayFail(true) == nil)
	var err error
	fmt.Println(err == nil)
}
