// Package slices is warren's interpreted version of the standard package
// slices, written for yaegi v0.16.1's generics: each function takes the
// element type as its type parameter and plain slices ([]E) instead of the
// standard library's `S ~[]E`, so a named slice type passed in comes back
// as []E. It is loaded into every session as source; it is not imported by
// compiled code.
//
// yaegi caches generic instances by bare function name and type arguments
// (not by package), so a function here never calls an exported generic
// function, its own or cmp's: it calls warrenSlices* helpers, whose names
// no cell or other package uses. That keeps a cell's own generic Index or
// Less from standing in for them.
package slices

import (
	"cmp"
	"math"
	"reflect"
)

// Equal reports whether two slices have the same length and equal
// elements (compared with ==, so NaNs are never equal). Empty and nil
// slices are equal.
func Equal[E comparable](s1, s2 []E) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if s1[i] != s2[i] {
			return false
		}
	}
	return true
}

// EqualFunc reports whether two slices have the same length and eq
// reports true for each pair of elements.
func EqualFunc[E any](s1, s2 []E, eq func(E, E) bool) bool {
	if len(s1) != len(s2) {
		return false
	}
	for i := range s1 {
		if !eq(s1[i], s2[i]) {
			return false
		}
	}
	return true
}

// Compare compares the elements of s1 and s2 in order as cmp.Compare
// does; at the first difference it returns that result, else it compares
// the lengths. (Its type parameter is the slice type, so that its instances
// differ from cmp.Compare's in yaegi's cache; elements of an unordered type
// panic.)
func Compare[S any](s1, s2 S) int {
	a, b := reflect.ValueOf(s1), reflect.ValueOf(s2)
	if a.Kind() != reflect.Slice {
		panic("slices.Compare: " + a.Type().String() + " is not a slice")
	}
	for i := 0; i < a.Len() && i < b.Len(); i++ {
		// Inline: yaegi v0.16.1 mishandles reflect.Value arguments of
		// interpreted functions.
		x, y := a.Index(i), b.Index(i)
		c := 0
		switch x.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			c = warrenSlicesCompareOrdered(x.Int(), y.Int())
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			c = warrenSlicesCompareOrdered(x.Uint(), y.Uint())
		case reflect.Float32, reflect.Float64:
			c = warrenSlicesCompareOrdered(x.Float(), y.Float())
		case reflect.String:
			c = warrenSlicesCompareOrdered(x.String(), y.String())
		default:
			panic("slices.Compare: elements of type " + x.Type().String() + " are not ordered")
		}
		if c != 0 {
			return c
		}
	}
	switch {
	case a.Len() < b.Len():
		return -1
	case a.Len() > b.Len():
		return +1
	}
	return 0
}

// CompareFunc is Compare with a custom comparison function.
func CompareFunc[E any](s1, s2 []E, cmp func(E, E) int) int {
	for i := 0; i < len(s1) && i < len(s2); i++ {
		if c := cmp(s1[i], s2[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(s1) < len(s2):
		return -1
	case len(s1) > len(s2):
		return +1
	}
	return 0
}

// Index returns the index of the first occurrence of v in s, or -1.
func Index[E comparable](s []E, v E) int {
	return warrenSlicesIndex(s, v)
}

func warrenSlicesIndex[E comparable](s []E, v E) int {
	for i := range s {
		if s[i] == v {
			return i
		}
	}
	return -1
}

// IndexFunc returns the first index i satisfying f(s[i]), or -1.
func IndexFunc[E any](s []E, f func(E) bool) int {
	return warrenSlicesIndexFunc(s, f)
}

func warrenSlicesIndexFunc[E any](s []E, f func(E) bool) int {
	for i := range s {
		if f(s[i]) {
			return i
		}
	}
	return -1
}

// Contains reports whether v is present in s.
func Contains[E comparable](s []E, v E) bool {
	return warrenSlicesIndex(s, v) >= 0
}

// ContainsFunc reports whether at least one element e of s satisfies f(e).
func ContainsFunc[E any](s []E, f func(E) bool) bool {
	return warrenSlicesIndexFunc(s, f) >= 0
}

// Insert inserts the values v... into s at index i and returns the
// modified slice; it panics if i > len(s). When s has room, it is updated
// in place.
func Insert[E any](s []E, i int, v ...E) []E {
	return warrenSlicesInsert(s, i, v)
}

func warrenSlicesInsert[E any](s []E, i int, v []E) []E {
	_ = s[i:]
	m := len(v)
	if m == 0 {
		return s
	}
	n := len(s)
	if i == n {
		return append(s, v...)
	}
	if n+m > cap(s) {
		grown := append(s[:i], make([]E, n+m-i)...)
		copy(grown[i:], v)
		copy(grown[i+m:], s[i:])
		return grown
	}
	vals := append([]E(nil), v...) // v may overlap s
	s = s[:n+m]
	copy(s[i+m:], s[i:n])
	copy(s[i:], vals)
	return s
}

// Delete removes s[i:j] from s and returns the modified slice, zeroing
// the elements s[len(s)-(j-i):len(s)]. It panics if j > len(s) or
// s[i:j] is not a valid slice.
func Delete[E any](s []E, i, j int) []E {
	_ = s[i:j:len(s)]
	if i == j {
		return s
	}
	old := len(s)
	s = append(s[:i], s[j:]...)
	warrenSlicesZero(s[len(s):old])
	return s
}

// DeleteFunc removes the elements for which del returns true and returns
// the modified slice, zeroing the elements past its new length.
func DeleteFunc[E any](s []E, del func(E) bool) []E {
	i := warrenSlicesIndexFunc(s, del)
	if i == -1 {
		return s
	}
	for j := i + 1; j < len(s); j++ {
		if v := s[j]; !del(v) {
			s[i] = v
			i++
		}
	}
	warrenSlicesZero(s[i:])
	return s[:i]
}

// Replace replaces s[i:j] by v and returns the modified slice, updating
// s in place when it has room and zeroing the elements past the new
// length. It panics if j > len(s) or s[i:j] is not a valid slice.
func Replace[E any](s []E, i, j int, v ...E) []E {
	_ = s[i:j]
	if i == j {
		return warrenSlicesInsert(s, i, v)
	}
	tail := append([]E(nil), s[j:]...)
	vals := append([]E(nil), v...) // v may overlap s
	tot := i + len(vals) + len(tail)
	if tot > cap(s) {
		grown := append(s[:i], make([]E, tot-i)...)
		copy(grown[i:], vals)
		copy(grown[i+len(vals):], tail)
		return grown
	}
	old := len(s)
	r := s[:tot]
	copy(r[i:], vals)
	copy(r[i+len(vals):], tail)
	if tot < old {
		warrenSlicesZero(s[tot:old])
	}
	return r
}

// Clone returns a copy of s (nil for nil).
func Clone[E any](s []E) []E {
	if s == nil {
		return nil
	}
	return append([]E{}, s...)
}

// Compact replaces runs of equal elements by one copy and returns the
// modified slice, zeroing the elements past its new length.
func Compact[E comparable](s []E) []E {
	if len(s) < 2 {
		return s
	}
	i := 1
	for k := 1; k < len(s); k++ {
		if s[k] != s[k-1] {
			if i != k {
				s[i] = s[k]
			}
			i++
		}
	}
	warrenSlicesZero(s[i:])
	return s[:i]
}

// CompactFunc is Compact with eq comparing elements; it keeps the first
// element of each run.
func CompactFunc[E any](s []E, eq func(E, E) bool) []E {
	if len(s) < 2 {
		return s
	}
	i := 1
	for k := 1; k < len(s); k++ {
		if !eq(s[k], s[k-1]) {
			if i != k {
				s[i] = s[k]
			}
			i++
		}
	}
	warrenSlicesZero(s[i:])
	return s[:i]
}

// Grow increases the slice's capacity, if necessary, to guarantee space
// for n more elements. It panics if n is negative.
func Grow[E any](s []E, n int) []E {
	return warrenSlicesGrow(s, n)
}

func warrenSlicesGrow[E any](s []E, n int) []E {
	if n < 0 {
		panic("cannot be negative")
	}
	if n -= cap(s) - len(s); n > 0 {
		s = append(s[:cap(s)], make([]E, n)...)[:len(s)]
	}
	return s
}

// Clip removes unused capacity from the slice.
func Clip[E any](s []E) []E {
	return s[:len(s):len(s)]
}

// Reverse reverses the elements of the slice in place.
func Reverse[E any](s []E) {
	for i, j := 0, len(s)-1; i < j; i, j = i+1, j-1 {
		s[i], s[j] = s[j], s[i]
	}
}

// Concat returns a new slice concatenating the passed in slices. (The
// standard library declares it Concat[S ~[]E, E any](slices ...S); yaegi
// v0.16.1 cannot infer E from a variadic parameter alone, so the first
// slice is a parameter of its own: Concat(lists...) does not compile.)
func Concat[E any](first []E, rest ...[]E) []E {
	size := len(first)
	for _, s := range rest {
		size += len(s)
		if size < 0 {
			panic("len out of range")
		}
	}
	r := warrenSlicesGrow([]E(nil), size)
	r = append(r, first...)
	for _, s := range rest {
		r = append(r, s...)
	}
	return r
}

// Repeat returns a new slice that repeats x count times. It panics if
// count is negative or the result's length overflows.
func Repeat[E any](x []E, count int) []E {
	if count < 0 {
		panic("cannot be negative")
	}
	const maxInt = int(^uint(0) >> 1)
	if len(x) > 0 && count > maxInt/len(x) {
		panic("the result of (len(x) * count) overflows")
	}
	r := make([]E, 0, len(x)*count)
	for k := 0; k < count; k++ {
		r = append(r, x...)
	}
	return r
}

// Max returns the maximal value in x; a NaN anywhere makes it NaN, and
// +0 is greater than -0. It panics if x is empty.
func Max[E cmp.Ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Max: empty list")
	}
	k := 0
	for i := 1; i < len(x); i++ {
		if x[k] != x[k] {
			break
		}
		if x[i] != x[i] || x[i] > x[k] || (x[i] == x[k] && warrenSlicesNegZero(x, k) && !warrenSlicesNegZero(x, i)) {
			k = i
		}
	}
	return x[k]
}

// MaxFunc returns the first maximal value in x according to cmp. It
// panics if x is empty.
func MaxFunc[E any](x []E, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MaxFunc: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if cmp(v, m) > 0 {
			m = v
		}
	}
	return m
}

// Min returns the minimal value in x; a NaN anywhere makes it NaN, and
// -0 is less than +0. It panics if x is empty.
func Min[E cmp.Ordered](x []E) E {
	if len(x) < 1 {
		panic("slices.Min: empty list")
	}
	k := 0
	for i := 1; i < len(x); i++ {
		if x[k] != x[k] {
			break
		}
		if x[i] != x[i] || x[i] < x[k] || (x[i] == x[k] && warrenSlicesNegZero(x, i) && !warrenSlicesNegZero(x, k)) {
			k = i
		}
	}
	return x[k]
}

// MinFunc returns the first minimal value in x according to cmp. It
// panics if x is empty.
func MinFunc[E any](x []E, cmp func(a, b E) int) E {
	if len(x) < 1 {
		panic("slices.MinFunc: empty list")
	}
	m := x[0]
	for _, v := range x[1:] {
		if cmp(v, m) < 0 {
			m = v
		}
	}
	return m
}

// warrenSlicesZero sets the elements of s to their zero value.
func warrenSlicesZero[E any](s []E) {
	var z E
	for i := range s {
		s[i] = z
	}
}

// warrenSlicesNegZero reports whether x[i] is a floating-point negative zero. (It
// reads the element in place: yaegi v0.16.1 drops the sign of a -0 passed
// by value to an interpreted function.)
func warrenSlicesNegZero[E cmp.Ordered](x []E, i int) bool {
	r := reflect.ValueOf(x).Index(i)
	switch r.Kind() {
	case reflect.Float32, reflect.Float64:
		return r.Float() == 0 && math.Signbit(r.Float())
	}
	return false
}

// warrenSlicesCompareOrdered is cmp.Compare.
func warrenSlicesCompareOrdered[E cmp.Ordered](x, y E) int {
	xNaN, yNaN := x != x, y != y
	switch {
	case xNaN && yNaN:
		return 0
	case xNaN || x < y:
		return -1
	case yNaN || x > y:
		return +1
	}
	return 0
}
