package interp

import "testing"

// A channel receive as a return operand returns the received value.
func TestReturnReceive(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"fmt\"\nch := make(chan int, 9)\nfor i := 1; i <= 9; i++ { ch <- i }")
	for _, tt := range []struct{ code, want string }{
		{"func a(c chan int) int { return <-c }\nfmt.Println(a(ch))", "1\n"},
		{"func d(c chan int) (int, error) { return <-c, nil }\nfmt.Println(d(ch))", "2 <nil>\n"},
		{"func two(c chan int) (int, int) { return <-c, <-c }\nfmt.Println(two(ch))", "3 4\n"},
		{"func lit(c chan int) int { f := func() int { return <-c }; return f() }\nfmt.Println(lit(ch))", "5\n"},
	} {
		_, out := run(t, s, tt.code)
		if got := out.stdout(); got != tt.want {
			t.Errorf("%s\nstdout = %q, want %q", tt.code, got, tt.want)
		}
	}
}
