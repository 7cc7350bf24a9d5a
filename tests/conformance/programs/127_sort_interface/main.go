// sort.Sort with a user type implementing sort.Interface.
//
// conform:category types

package main

import (
	"fmt"
	"sort"
)

type byLen []string

func (b byLen) Len() int           { return len(b) }
func (b byLen) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLen) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func main() {
	words := byLen{"banana", "kiwi", "fig", "cherry"}
	sort.Stable(words)
	fmt.Println(words)
}
