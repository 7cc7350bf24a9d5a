// A type switch that matches user interfaces by their methods.
//
// conform:category type-switch

package main

import "fmt"

type Walker interface{ Walk() string }
type Swimmer interface{ Swim() string }

type duck struct{}
type fish struct{}

func (duck) Walk() string { return "waddle" }
func (duck) Swim() string { return "paddle" }
func (fish) Swim() string { return "glide" }

func main() {
	for _, a := range []any{duck{}, fish{}, 3} {
		switch v := a.(type) {
		case Walker:
			fmt.Println("walker:", v.Walk())
		case Swimmer:
			fmt.Println("swimmer:", v.Swim())
		default:
			fmt.Println("neither")
		}
	}
}
