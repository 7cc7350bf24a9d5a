package interp

import "testing"

// BenchmarkNewSession measures starting a session: loading the symbol
// tables and the interpreted generic standard library.
func BenchmarkNewSession(b *testing.B) {
	for b.Loop() {
		s, err := New(Options{NoHost: true})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
