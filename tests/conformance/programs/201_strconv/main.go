// strconv parsing and formatting, with errors.
//
// conform:category maps-strings

package main

import (
	"fmt"
	"strconv"
)

func main() {
	n, err := strconv.Atoi("123")
	fmt.Println(n+1, err)
	_, err = strconv.Atoi("12a")
	fmt.Println(err)
	f, _ := strconv.ParseFloat("2.5", 64)
	b, _ := strconv.ParseBool("true")
	fmt.Println(f*2, b, strconv.Quote("hi\n"), strconv.FormatInt(255, 16))
	fmt.Println(strconv.Itoa(-7) + "!")
}
