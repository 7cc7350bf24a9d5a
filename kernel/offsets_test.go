package kernel

import "testing"

func TestOffsets(t *testing.T) {
	const s = "x := \"héllo, 世界\"; y" // é is 2 bytes, 世 and 界 3 bytes
	tests := []struct{ runes, bytes int }{
		{0, 0}, {5, 5}, {6, 6}, {7, 7}, {8, 9}, {13, 14}, {14, 17}, {15, 20}, {19, len(s)},
	}
	for _, tt := range tests {
		if got := runeToByte(s, tt.runes); got != tt.bytes {
			t.Errorf("runeToByte(%d) = %d, want %d", tt.runes, got, tt.bytes)
		}
		if got := byteToRune(s, tt.bytes); got != tt.runes {
			t.Errorf("byteToRune(%d) = %d, want %d", tt.bytes, got, tt.runes)
		}
	}
	if runeToByte(s, 100) != len(s) || runeToByte(s, -1) != 0 || byteToRune(s, 1000) != 19 || byteToRune(s, -3) != 0 {
		t.Error("out-of-range positions do not clamp")
	}
	if got := byteToRune(s, 15); got != 13 { // inside 世
		t.Errorf("byteToRune inside a character = %d, want 13", got)
	}
}
