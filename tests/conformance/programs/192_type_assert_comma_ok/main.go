// Type assertions with comma-ok, including on values from a map of any.
//
// conform:category type-switch

package main

import "fmt"

type meters int

func main() {
	vals := map[string]any{"n": 3, "s": "x", "m": meters(7)}
	for _, k := range []string{"n", "s", "m", "missing"} {
		v, present := vals[k]
		i, isInt := v.(int)
		m, isMeters := v.(meters)
		fmt.Println(k, present, i, isInt, int(m), isMeters)
	}
}
