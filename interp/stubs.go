package interp

import (
	"go/ast"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// stubSet holds the declarations of earlier cells without bodies (see
// noteStubs), by key: a name, or "T.M" for a method. A cell is type-checked
// with only the stubs it can reach — those its identifiers name, what their
// declarations name in turn, and the methods of the types among them — so
// the cost of a check does not grow with the number of earlier cells.
type stubSet struct {
	src     map[string]string
	refs    map[string][]string        // identifiers in each stub
	methods map[string]map[string]bool // type name → keys of its method stubs
}

func newStubSet() stubSet {
	return stubSet{src: map[string]string{}, refs: map[string][]string{}, methods: map[string]map[string]bool{}}
}

// get returns the stub of k.
func (st stubSet) get(k string) (string, bool) {
	v, ok := st.src[k]
	return v, ok
}

// set keeps v as the stub of k.
func (st stubSet) set(k, v string) {
	st.src[k] = v
	st.refs[k] = identsIn(v)
	if t, _, ok := strings.Cut(k, "."); ok {
		if st.methods[t] == nil {
			st.methods[t] = map[string]bool{}
		}
		st.methods[t][k] = true
	}
}

// del forgets the stub of k.
func (st stubSet) del(k string) {
	delete(st.src, k)
	delete(st.refs, k)
}

// needed returns, one per line and sorted, the stubs that the identifiers
// used reach, except those named in skip.
func (st stubSet) needed(skip, used map[string]bool) string {
	want := map[string]bool{}
	var queue []string
	for n := range used {
		queue = append(queue, n)
	}
	for len(queue) > 0 {
		k := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if want[k] || skip[k] {
			continue
		}
		if _, ok := st.src[k]; ok {
			want[k] = true
			queue = append(queue, st.refs[k]...)
		}
		for m := range st.methods[k] {
			queue = append(queue, m)
		}
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(st.src[k])
		b.WriteString("\n")
	}
	return b.String()
}

// identsIn returns the identifiers in the Go source src, once each.
func identsIn(src string) []string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	seen := map[string]bool{}
	var out []string
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			return out
		}
		if tok == token.IDENT && !seen[lit] {
			seen[lit] = true
			out = append(out, lit)
		}
	}
}

// usedNames returns the identifiers of f.
func usedNames(f *ast.File) map[string]bool {
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			used[id.Name] = true
		}
		return true
	})
	return used
}

// all returns every stub, one per line and sorted.
func (st stubSet) all() string {
	keys := make([]string, 0, len(st.src))
	for k := range st.src {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(st.src[k])
		b.WriteString("\n")
	}
	return b.String()
}
