// iota constants, typed constants and a lookup table declared after use.
//
// conform:category pkg-order

package main

import "fmt"

func describe(l level) string { return names[l] }

type level int

const (
	low level = iota
	mid
	high
)

var names = map[level]string{low: "low", mid: "mid", high: "high"}

func main() {
	for l := low; l <= high; l++ {
		fmt.Println(int(l), describe(l))
	}
}
