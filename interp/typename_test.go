package interp

import "testing"

func TestTypeNameRewrite(t *testing.T) {
	cellType := func(n string) bool { return n == "S" || n == "C" }
	const prefix, suffix = "package p;func _(){", "\n}"
	tests := []struct{ in, want string }{
		{`c := C(1); fmt.Printf("%T %v\n", c, c)`, `c := C(1); fmt.Printf("%s %v\n", __warren.TypeName("main.C", c), c)`},
		{`fmt.Sprintf("%d%%%T", 1, &S{})`, `fmt.Sprintf("%d%%%s", 1, __warren.TypeName("*main.S", &S{}))`},
		{`fmt.Fprintf(w, "%T", map[string][]S{})`, `fmt.Fprintf(w, "%s", __warren.TypeName("map[string][]main.S", map[string][]S{}))`},
		{`fmt.Printf("%T", x)`, `fmt.Printf("%T", x)`},             // type not spelled
		{`fmt.Printf("%T", 1.5)`, `fmt.Printf("%T", 1.5)`},         // not a cell type
		{`fmt.Printf("%*T", 3, S{})`, `fmt.Printf("%*T", 3, S{})`}, // a * width: left alone
		{`var i any = S{}; fmt.Printf("%T", i)`, `var i any = S{}; fmt.Printf("%T", i)`},
	}
	for _, tt := range tests {
		if got := typeNameRewrite(prefix, tt.in, suffix, cellType, nil); got != tt.want {
			t.Errorf("%s\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}
