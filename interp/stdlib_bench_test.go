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

// BenchmarkCellSortFunc sorts 10,000 structs by a cell-defined comparison
// with the interpreted slices.SortFunc (compiled sort, interpreted cmp).
func BenchmarkCellSortFunc(b *testing.B) {
	s := newSession(b)
	run(b, s, `import ("cmp"; "fmt"; "slices")`)
	run(b, s, peopleCell)
	run(b, s, `var base = people(10000)`)
	run(b, s, `func sortPeople() { ps := slices.Clone(base); slices.SortFunc(ps, func(a, b P) int { return cmp.Compare(a.Age, b.Age) }) }`)
	for b.Loop() {
		run(b, s, "sortPeople()")
	}
}

// BenchmarkCellSortInts sorts 100,000 ints with the interpreted slices.Sort
// (a compiled fast path for []int).
func BenchmarkCellSortInts(b *testing.B) {
	s := newSession(b)
	run(b, s, `import "slices"`)
	run(b, s, `func sortInts() { x := make([]int, 100000); for i := range x { x[i] = (i * 7919) % 100003 }; slices.Sort(x) }`)
	for b.Loop() {
		run(b, s, "sortInts()")
	}
}
