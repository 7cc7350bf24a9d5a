// An error type's Error method is used by fmt and by a returned error.
//
// conform:category types

package main

import "fmt"

type ValidationError struct {
	Field string
	Code  int
}

func (e ValidationError) Error() string {
	return fmt.Sprintf("field %s invalid (code %d)", e.Field, e.Code)
}

func validate(age int) error {
	if age < 0 {
		return ValidationError{"age", 42}
	}
	return nil
}

func main() {
	fmt.Println(validate(5))
	err := validate(-1)
	fmt.Println(err)
	fmt.Printf("%v | %s | %T\n", err, err, err)
}
