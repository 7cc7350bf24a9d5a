// strings.Builder, Repeat, Split, Join, Title-casing by hand.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"strings"
)

func main() {
	var b strings.Builder
	for i := 0; i < 3; i++ {
		fmt.Fprintf(&b, "%d-", i)
	}
	b.WriteString(strings.Repeat("ab", 2))
	fmt.Println(b.String(), b.Len())
	parts := strings.Split("go,is,fun", ",")
	for i, p := range parts {
		parts[i] = strings.ToUpper(p[:1]) + p[1:]
	}
	fmt.Println(strings.Join(parts, " "))
	fmt.Println(strings.Contains("warren", "rre"), strings.Index("warren", "r"), strings.TrimSpace("  x  "))
}
