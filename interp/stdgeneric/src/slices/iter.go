package slices

import "cmp"

// The iterator functions take and return plain function types
// (func(yield func(E) bool)), which iter.Seq[E] values convert to and
// from.

// All returns an iterator over index-value pairs of s, in order.
func All[E any](s []E) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i := 0; i < len(s); i++ {
			if !yield(i, s[i]) {
				return
			}
		}
	}
}

// Backward returns an iterator over index-value pairs of s, from the last
// index down.
func Backward[E any](s []E) func(yield func(int, E) bool) {
	return func(yield func(int, E) bool) {
		for i := len(s) - 1; i >= 0; i-- {
			if !yield(i, s[i]) {
				return
			}
		}
	}
}

// Values returns an iterator over the elements of s, in order.
func Values[E any](s []E) func(yield func(E) bool) {
	return func(yield func(E) bool) {
		for i := 0; i < len(s); i++ {
			if !yield(s[i]) {
				return
			}
		}
	}
}

// AppendSeq appends the values from seq to s and returns the result.
func AppendSeq[E any](s []E, seq func(yield func(E) bool)) []E {
	return warrenSlicesAppendSeq(s, seq)
}

func warrenSlicesAppendSeq[E any](s []E, seq func(yield func(E) bool)) []E {
	seq(func(v E) bool {
		s = append(s, v)
		return true
	})
	return s
}

// Collect returns a new slice of the values from seq (nil if none).
func Collect[E any](seq func(yield func(E) bool)) []E {
	return warrenSlicesAppendSeq([]E(nil), seq)
}

// Sorted collects the values from seq into a new slice, sorts it and
// returns it.
func Sorted[E cmp.Ordered](seq func(yield func(E) bool)) []E {
	s := warrenSlicesAppendSeq([]E(nil), seq)
	warrenSlicesSort(s)
	return s
}

// SortedFunc is Sorted with a comparison function.
func SortedFunc[E any](seq func(yield func(E) bool), cmp func(E, E) int) []E {
	s := warrenSlicesAppendSeq([]E(nil), seq)
	warrenSlicesSortFunc(s, cmp)
	return s
}

// SortedStableFunc is SortedFunc with a stable sort.
func SortedStableFunc[E any](seq func(yield func(E) bool), cmp func(E, E) int) []E {
	s := warrenSlicesAppendSeq([]E(nil), seq)
	warrenSlicesSortStableFunc(s, cmp)
	return s
}

// Chunk returns an iterator over consecutive sub-slices of up to n
// elements of s (the last may be shorter), each with capacity limited to
// its length. It panics if n is less than 1.
func Chunk[E any](s []E, n int) func(yield func([]E) bool) {
	if n < 1 {
		panic("cannot be less than 1")
	}
	return func(yield func([]E) bool) {
		for i := 0; i < len(s); i += n {
			end := i + n
			if end > len(s) {
				end = len(s)
			}
			if !yield(s[i:end:end]) {
				return
			}
		}
	}
}
