// %d on a Stringer with an integer underlying type prints the number.
//
// conform:category types

package main

import "fmt"

type Weekday int

const (
	Sunday Weekday = iota
	Monday
	Tuesday
)

func (d Weekday) String() string { return [...]string{"Sun", "Mon", "Tue"}[d] }

func main() {
	fmt.Println(Monday, Tuesday)
	fmt.Printf("%d %v %s %q\n", Tuesday, Tuesday, Sunday, Monday)
}
