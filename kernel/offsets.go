package kernel

import "unicode/utf8"

// runeToByte converts a cursor position counted in Unicode code points (as
// the Jupyter protocol counts them) into a byte offset in s. Positions past
// the end clamp to len(s); negative positions clamp to 0.
func runeToByte(s string, pos int) int {
	if pos <= 0 {
		return 0
	}
	n := 0
	for i := range s {
		if n == pos {
			return i
		}
		n++
	}
	return len(s)
}

// byteToRune converts a byte offset in s into a count of code points.
// Offsets inside a multi-byte character count that character as not yet
// reached; offsets past the end clamp.
func byteToRune(s string, off int) int {
	if off <= 0 {
		return 0
	}
	if off > len(s) {
		off = len(s)
	}
	for off < len(s) && !utf8.RuneStart(s[off]) {
		off--
	}
	return utf8.RuneCountInString(s[:off])
}
