// Package cmp is warren's interpreted version of the standard package cmp,
// written for yaegi v0.16.1's generics (one type parameter per function).
// It is loaded into every session as source; it is not imported by
// compiled code.
package cmp

// Ordered is a constraint permitting any ordered type: integers, floats
// and strings.
type Ordered interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr |
		~float32 | ~float64 |
		~string
}

// Less reports whether x is less than y. A NaN is less than any non-NaN,
// and -0.0 is not less than 0.0.
func Less[T Ordered](x, y T) bool {
	return (x != x && y == y) || x < y
}

// Compare returns -1 if x is less than y, 0 if x equals y and +1 if x is
// greater than y. A NaN is less than any non-NaN, a NaN equals a NaN, and
// -0.0 equals 0.0.
func Compare[T Ordered](x, y T) int {
	xNaN := x != x
	yNaN := y != y
	if xNaN {
		if yNaN {
			return 0
		}
		return -1
	}
	if yNaN {
		return +1
	}
	if x < y {
		return -1
	}
	if x > y {
		return +1
	}
	return 0
}

// Or returns the first of its arguments that is not the zero value, or
// the zero value if there is none. (The standard library declares it
// Or[T comparable](vals ...T); yaegi v0.16.1 cannot infer T from a
// variadic parameter alone, so the first value is a parameter of its own:
// a call spreading a slice, Or(vals...), does not compile.)
func Or[T comparable](first T, rest ...T) T {
	var zero T
	if first != zero {
		return first
	}
	for _, v := range rest {
		if v != zero {
			return v
		}
	}
	return zero
}
