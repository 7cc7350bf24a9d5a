// Ranging over a string yields runes with byte offsets.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"unicode/utf8"
)

func main() {
	s := "héllo, 世界"
	for i, r := range s {
		if r > 127 {
			fmt.Println(i, string(r), r)
		}
	}
	fmt.Println(len(s), utf8.RuneCountInString(s), []byte(s)[1], []rune(s)[1])
}
