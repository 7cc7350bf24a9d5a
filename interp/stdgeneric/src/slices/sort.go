package slices

import (
	"cmp"
	"sort"
)

// The sorts run on package sort's compiled pattern-defeating quicksort,
// which makes the same comparisons and swaps as the standard slices
// package, so even unstable sorts order equal elements as Go does.

// Sort sorts a slice of any ordered type in ascending order; NaNs come
// first.
func Sort[E cmp.Ordered](x []E) {
	warrenSlicesSort(x)
}

func warrenSlicesSort[E cmp.Ordered](x []E) {
	switch v := any(x).(type) {
	case []int:
		sort.Ints(v)
	case []string:
		sort.Strings(v)
	case []float64:
		sort.Float64s(v)
	default:
		sort.Slice(x, func(i, j int) bool { return warrenSlicesLess(x[i], x[j]) })
	}
}

// SortFunc sorts x in ascending order as determined by cmp, which must
// return a negative number when a < b, a positive number when a > b and
// zero when a == b. It is not stable.
func SortFunc[E any](x []E, cmp func(a, b E) int) {
	warrenSlicesSortFunc(x, cmp)
}

func warrenSlicesSortFunc[E any](x []E, cmp func(a, b E) int) {
	sort.Slice(x, func(i, j int) bool { return cmp(x[i], x[j]) < 0 })
}

// SortStableFunc sorts x as SortFunc does, keeping the original order of
// equal elements.
func SortStableFunc[E any](x []E, cmp func(a, b E) int) {
	warrenSlicesSortStableFunc(x, cmp)
}

func warrenSlicesSortStableFunc[E any](x []E, cmp func(a, b E) int) {
	sort.SliceStable(x, func(i, j int) bool { return cmp(x[i], x[j]) < 0 })
}

// IsSorted reports whether x is sorted in ascending order.
func IsSorted[E cmp.Ordered](x []E) bool {
	for i := len(x) - 1; i > 0; i-- {
		if warrenSlicesLess(x[i], x[i-1]) {
			return false
		}
	}
	return true
}

// IsSortedFunc reports whether x is sorted in ascending order by cmp.
func IsSortedFunc[E any](x []E, cmp func(a, b E) int) bool {
	for i := len(x) - 1; i > 0; i-- {
		if cmp(x[i], x[i-1]) < 0 {
			return false
		}
	}
	return true
}

// BinarySearch searches for target in the sorted slice x and returns the
// earliest position where target is found, or where it would appear in
// the sort order, and whether it was found.
func BinarySearch[E cmp.Ordered](x []E, target E) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if warrenSlicesLess(x[mid], target) {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(x) && (x[lo] == target || (x[lo] != x[lo] && target != target))
}

// BinarySearchFunc is BinarySearch with cmp comparing an element with
// the target (negative: the element sorts before the target).
func BinarySearchFunc[E, T any](x []E, target T, cmp func(E, T) int) (int, bool) {
	lo, hi := 0, len(x)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if cmp(x[mid], target) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo, lo < len(x) && cmp(x[lo], target) == 0
}

// warrenSlicesLess is cmp.Less: NaNs sort first.
func warrenSlicesLess[E cmp.Ordered](x, y E) bool {
	return (x != x && y == y) || x < y
}
