// strings.SplitSeq and strings.Lines iterators (Go 1.24).
//
// conform:category modern-stdlib

package main

import (
	"fmt"
	"strings"
)

func main() {
	for part := range strings.SplitSeq("a,b,c", ",") {
		fmt.Print("[", part, "]")
	}
	fmt.Println()
	n := 0
	for line := range strings.Lines("x\ny\nz\n") {
		n += len(line)
	}
	fmt.Println(n)
}
