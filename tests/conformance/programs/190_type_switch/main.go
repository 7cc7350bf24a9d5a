// A type switch over builtin and user types.
//
// conform:category type-switch

package main

import "fmt"

type celsius float64
type tag struct{ name string }

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case int:
		return fmt.Sprint("int ", x+1)
	case string, []byte:
		return fmt.Sprintf("text %v", x)
	case celsius:
		return fmt.Sprintf("temp %.1f", float64(x))
	case tag:
		return "tag " + x.name
	case error:
		return "error " + x.Error()
	default:
		return fmt.Sprintf("other %T", x)
	}
}

func main() {
	for _, v := range []any{nil, 41, "hi", []byte("b"), celsius(3), tag{"t"}, fmt.Errorf("e"), 2.5} {
		fmt.Println(describe(v))
	}
}
