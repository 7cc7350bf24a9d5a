// A type switch over error types returned from functions.
//
// conform:category type-switch

package main

import (
	"errors"
	"fmt"
	"strconv"
)

type tempErr struct{ retry int }

func (e *tempErr) Error() string { return fmt.Sprint("temporary, retry ", e.retry) }

func classify(err error) string {
	switch e := err.(type) {
	case nil:
		return "ok"
	case *tempErr:
		return fmt.Sprint("temp/", e.retry)
	case *strconv.NumError:
		return "num/" + e.Func
	default:
		return "other/" + e.Error()
	}
}

func main() {
	_, perr := strconv.Atoi("x")
	for _, err := range []error{nil, &tempErr{2}, perr, errors.New("boom")} {
		fmt.Println(classify(err))
	}
}
