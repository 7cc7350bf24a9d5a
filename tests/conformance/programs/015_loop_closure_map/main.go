// Closures stored in a map from a range loop, called in sorted key order.
//
// conform:category loops

package main

import (
	"fmt"
	"sort"
	"strings"
)

func main() {
	handlers := map[string]func() string{}
	for _, name := range []string{"upper", "lower", "title"} {
		handlers[name] = func() string { return name + ":" + strings.Repeat("*", len(name)) }
	}
	var keys []string
	for k := range handlers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Println(handlers[k]())
	}
}
