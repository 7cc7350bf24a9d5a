package interp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// editSetup is the session the editing tests and benchmarks complete in: a
// cell type with a method, a standard-library type and a ray function.
const editSetup = `import ("math"; "strings")
type Point struct{ X, Y int }
// Norm is the distance from the origin.
func (p Point) Norm() float64 { return math.Hypot(float64(p.X), float64(p.Y)) }
p := Point{1, 2}
var sb strings.Builder
f := ray.Remote(func(x int) int { return 2 * x })
// Named is a labelled point.
type Named struct {
	Point
	Label string
	secret int
}
n := Named{Label: "a"}
ps := []Point{{1, 2}, {3, 4}}
`

// Completion after a dot offers what Go lets the code select, from the
// session's declarations, the cell being edited and compiled packages. @@
// marks the cursor when it is not at the end.
func TestCompleteMembers(t *testing.T) {
	s := newSession(t)
	run(t, s, editSetup)
	for _, tt := range []struct {
		code         string
		want, reject []string
	}{
		{"p.", []string{"Norm", "X", "Y"}, nil},
		{"p.No", []string{"Norm"}, []string{"X"}},
		{"f.", []string{"Name", "Options", "Remote", "RemoteN"}, []string{"file", "fn", "fname"}},
		{"sb.Wr", []string{"Write", "WriteByte", "WriteRune", "WriteString"}, []string{"buf", "addr"}},
		{"time.Mill", []string{"Millisecond"}, nil},
		{"time.", []string{"Duration", "Local", "Month", "Now", "RFC3339", "Sleep"}, nil},
		{"fmt.Sp", []string{"Sprint", "Sprintf", "Sprintln"}, nil},
		{"slices.So", []string{"Sort", "SortFunc", "SortStableFunc"}, nil},
		{"q := Point{3, 4}\nq.", []string{"Norm", "X", "Y"}, nil},
		{"func g(pt *Point) float64 {\n\treturn pt.@@\n}", []string{"Norm", "X"}, nil},
		{"sb.String().", nil, []string{"Len", "break", "append"}},
		{`strings.NewReplacer("a", "b").`, []string{"Replace", "WriteString"}, nil},
		{"n.", []string{"Label", "Norm", "Point", "X", "secret"}, nil},
		{"ray.Re", []string{"Remote"}, nil},
		{"time.Now().", []string{"Add", "Unix", "Format"}, []string{"wall"}}, // time is not imported
		// Unfinished code around the cursor.
		{"p.@@\nfor {", []string{"Norm"}, nil},
		{"x := )\np.", []string{"Norm"}, nil},
		{"func g() {\n\tif true {\n\t\tsb.Wr", []string{"WriteString"}, nil},
		{"fmt.Println(p.", []string{"Norm"}, nil},
		// Magic lines, chained package calls.
		{"%%native\nfunc F(q Point) { q.", []string{"Norm", "X"}, nil},
		{"%go get example.com/m\nsb.Wr", []string{"WriteString"}, nil},
		{"ray.Remote(func() {}).", []string{"Remote", "Options"}, []string{"fn"}},
		{`display.HTML("x").`, []string{"MIMEBundle"}, nil},
	} {
		cursor := len(tt.code)
		if i := strings.Index(tt.code, "@@"); i >= 0 {
			tt.code, cursor = tt.code[:i]+tt.code[i+2:], i
		}
		m, start, end := s.Complete(tt.code, cursor)
		for _, w := range tt.want {
			if !slices.Contains(m, w) {
				t.Errorf("Complete(%q) = %v, lacks %s", tt.code, m, w)
			}
		}
		for _, r := range tt.reject {
			if slices.Contains(m, r) {
				t.Errorf("Complete(%q) = %v, offers %s", tt.code, m, r)
			}
		}
		if end != cursor || start > end || !strings.HasPrefix(m0(m), tt.code[start:end]) {
			t.Errorf("Complete(%q) replaces [%d, %d)", tt.code, start, end)
		}
	}
}

func m0(m []string) string {
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

// Inside an import declaration's string, completion offers import paths;
// inside other strings and comments, nothing.
func TestCompleteImportPaths(t *testing.T) {
	s := newSession(t)
	s.noteModule("github.com/google/btree@v1.1.3")
	for _, tt := range []struct {
		code         string
		cursor       int // -1: the end
		want, reject []string
		start        int
	}{
		{`import "enc`, -1, []string{"encoding/base64", "encoding/csv", "encoding/json"}, []string{"fmt"}, 8},
		{"import (\n\t\"fmt\"\n\t\"net/ht", -1, []string{"net/http", "net/http/httptest"}, []string{"net/url", "fmt"}, 18},
		{`import "dis`, -1, []string{"display"}, nil, 8},
		{`import "f`, -1, []string{"fmt", "flag"}, []string{"fmt/."}, 8},
		{`import "github.com/`, -1, []string{"github.com/warren-go/warren/parallel"}, []string{"github.com/traefik/yaegi/stdlib"}, 8},
		{`import js "encoding/j"`, 20, []string{"encoding/json"}, nil, 11},
		{`import "github.com/goo`, -1, []string{"github.com/google/btree"}, nil, 8},
		{`import "golang.org/x/net/ht`, -1, []string{"golang.org/x/net/html"}, []string{"golang.org/x/net/html/atom"[:0] + "internal"}, 8},
	} {
		cursor := tt.cursor
		if cursor < 0 {
			cursor = len(tt.code)
		}
		m, start, end := s.Complete(tt.code, cursor)
		for _, w := range tt.want {
			if !slices.Contains(m, w) {
				t.Errorf("Complete(%q) = %v, lacks %s", tt.code, m, w)
			}
		}
		for _, r := range tt.reject {
			if slices.Contains(m, r) {
				t.Errorf("Complete(%q) = %v, offers %s", tt.code, m, r)
			}
		}
		if start != tt.start || end != cursor {
			t.Errorf("Complete(%q) replaces [%d, %d), want [%d, %d)", tt.code, start, end, tt.start, cursor)
		}
	}
	// In other strings and comments, nothing; after an import, code.
	for _, code := range []string{`x := "enc`, `fmt.Println("p.`, "// p.", "/* fmt.", "x := `fmt.", "r := 'p"} {
		if m, _, _ := s.Complete(code, len(code)); len(m) > 0 {
			t.Errorf("Complete(%q) = %v, want nothing", code, m)
		}
	}
	for _, code := range []string{"import \"fmt\"\nfmt.Spri", "import \"fmt\" // a comment\nfmt.Spri", "x := \"a\" + fmt.Spri"} {
		if m, _, _ := s.Complete(code, len(code)); !slices.Contains(m, "Sprint") {
			t.Errorf("Complete(%q) = %v, lacks Sprint", code, m)
		}
	}
}

// Names declared in the cell being edited, its parameters and locals, are
// offered with the session's.
func TestCompleteScope(t *testing.T) {
	s := newSession(t)
	run(t, s, "sessionVar := 1")
	code := "func h(paramOne int) {\n\tlocalOne := 2\n\t_ = localOne\n\tl\n}\nvar cellVar = 3\n"
	cursor := strings.Index(code, "\tl\n") + 2
	m, _, _ := s.Complete(code, cursor)
	if !slices.Contains(m, "localOne") || !slices.Contains(m, "len") {
		t.Errorf("Complete in a function body = %v", m)
	}
	code2 := "func h(paramOne int) {\n\tpar\n}\n"
	if m, _, _ := s.Complete(code2, strings.Index(code2, "par")+3); !slices.Contains(m, "paramOne") {
		t.Errorf("parameters not offered: %v", m)
	}
	if m, _, _ := s.Complete("cellV\nvar cellVar = 3", 5); !slices.Contains(m, "cellVar") {
		t.Errorf("the cell's declarations not offered: %v", m)
	}
	if m, _, _ := s.Complete("sess", 4); !slices.Contains(m, "sessionVar") {
		t.Errorf("session names not offered: %v", m)
	}
}

// Inspection finds methods' documentation and names declared types.
func TestInspectTyped(t *testing.T) {
	s := newSession(t)
	run(t, s, editSetup)
	for _, tt := range []struct {
		code         string
		cursor       int
		want, reject []string
	}{
		{"sb.WriteString", 5, []string{"func (b *Builder) WriteString(s string) (int, error)", "WriteString appends"}, nil},
		{"p", 1, []string{"p: Point = {X:1 Y:2}"}, []string{"struct {"}},
		{"p.Norm", 4, []string{"func (p Point) Norm() float64\n\nNorm is the distance from the origin."}, nil},
		{"Point", 2, []string{"type Point struct", "func (p Point) Norm() float64"}, nil},
		{"f.Remote", 4, []string{"Remote("}, []string{"file"}},
		{"time.Millisecond", 8, []string{"Millisecond", "Duration"}, nil},
		{"n.Label", 3, []string{"Label string"}, nil},
		{"Named", 2, []string{"type Named struct", "Named is a labelled point."}, nil},
		{"n", 1, []string{"n: Named = {Point:{X:0 Y:0} Label:a secret:0}"}, []string{"Xsecret"}},
		{"ps", 1, []string{"ps: []Point = [{X:1 Y:2} {X:3 Y:4}]"}, nil},
		{"f", 1, []string{"f: *ray.RemoteFunction", "A RemoteFunction submits calls"}, []string{"fname"}},
		{"q := Point{}\nq", 14, []string{"q: Point"}, nil},
		{"strings.NewReplacer(\"a\", \"b\").Replace", 33, []string{"func (r *Replacer) Replace(s string) string"}, nil},
		{"strings.ToUpper(", 10, []string{"func ToUpper(s string) string"}, nil},
		{"bufio.NewReadWriter(nil, nil).ReadString", 33, []string{"func (b *Reader) ReadString(delim byte) (string, error)", "ReadString reads"}, nil},
		{"for", 1, []string{"Go keyword"}, nil},
		{"strings", 3, []string{`package strings // import "strings"`, "Package strings implements"}, nil},
		{"x := strings.Fields(\"a\")\nx", 26, []string{"x: []string"}, nil},
	} {
		b, ok := s.Inspect(tt.code, tt.cursor, 0)
		text, _ := b["text/plain"].(string)
		if !ok {
			t.Errorf("Inspect(%q, %d) found nothing", tt.code, tt.cursor)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("Inspect(%q, %d) = %q, lacks %q", tt.code, tt.cursor, text, w)
			}
		}
		for _, r := range tt.reject {
			if strings.Contains(text, r) {
				t.Errorf("Inspect(%q, %d) = %q, has %q", tt.code, tt.cursor, text, r)
			}
		}
	}
}

// BenchmarkComplete measures completion and inspection on the editing
// session (the cases).
func BenchmarkComplete(b *testing.B) {
	s := newSession(b)
	run(b, s, editSetup)
	for _, bc := range []struct{ name, code, kind string }{
		{"p.", "p.", "complete"},
		{"f.", "f.", "complete"},
		{"sb.Wr", "sb.Wr", "complete"},
		{"time.Mill", "time.Mill", "complete"},
		{"import-enc", `import "enc`, "complete"},
		{"chained", `strings.NewReplacer("a", "b").`, "complete"},
		{"ident", "Poi", "complete"},
		{"inspect-sb.WriteString", "sb.WriteString", "inspect"},
		{"inspect-p", "p", "inspect"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if bc.kind == "complete" {
					s.Complete(bc.code, len(bc.code))
				} else {
					s.Inspect(bc.code, len(bc.code)-1, 0)
				}
			}
		})
	}
}

// BenchmarkCompleteCold measures the first completion after the session's
// compiled packages changed: the go/types packages the code and the
// session's declarations use are built from the symbol tables again (the
// editing session's; net/http's with many others imported).
func BenchmarkCompleteCold(b *testing.B) {
	for _, bc := range []struct{ name, setup, code string }{
		{"p.", editSetup, "p."},
		{"http.Client", `import ("net/http"; "encoding/json"; "os"; "fmt"; "go/types")`, "x := http.Client{}\nx."},
	} {
		b.Run(bc.name, func(b *testing.B) {
			s := newSession(b)
			run(b, s, bc.setup)
			for b.Loop() {
				s.mu.Lock()
				s.symGen++
				s.mu.Unlock()
				if m, _, _ := s.Complete(bc.code, len(bc.code)); len(m) == 0 {
					b.Fatalf("no completions of %q", bc.code)
				}
			}
		})
	}
}

// Completion and inspection answer while a cell runs, from what the
// session knew before it (values are not read then).
func TestCompleteWhileRunning(t *testing.T) {
	s := newSession(t)
	run(t, s, editSetup)
	s.Complete("f.", 2) // reads the variables' types once
	done := make(chan struct{})
	go func() {
		defer close(done)
		try(t, s, "import \"time\"\ntime.Sleep(300 * time.Millisecond)")
	}()
	for s.evalMu.TryLock() { // until the cell holds it
		s.evalMu.Unlock()
		runtime.Gosched()
	}
	for code, want := range map[string]string{"p.": "Norm", "f.": "Remote", "sb.": "WriteString"} {
		if m, _, _ := s.Complete(code, len(code)); !slices.Contains(m, want) {
			t.Errorf("Complete(%q) while a cell runs = %v", code, m)
		}
	}
	if b, ok := s.Inspect("p", 1, 0); !ok || !strings.Contains(b["text/plain"].(string), "p: Point") {
		t.Errorf("Inspect(p) while a cell runs = %v", b)
	}
	<-done
}

// BenchmarkCompleteLargeSession measures completion in a session with 300
// declarations (types with methods, functions, variables) from 100 cells.
func BenchmarkCompleteLargeSession(b *testing.B) {
	s := newSession(b)
	run(b, s, editSetup)
	for i := range 100 {
		run(b, s, fmt.Sprintf("type T%d struct{ A, B int; S string }\nfunc (t T%d) Sum() int { return t.A + t.B }\nfunc f%d(x int) T%d { return T%d{A: x} }\nv%d := f%d(%d)", i, i, i, i, i, i, i, i))
	}
	for _, code := range []string{"p.", "v42.", "f7(1).", "Poi"} {
		b.Run(code, func(b *testing.B) {
			for b.Loop() {
				if m, _, _ := s.Complete(code, len(code)); len(m) == 0 {
					b.Fatalf("no completions of %q", code)
				}
			}
		})
	}
}

// Completion and inspection hold up at every position of real cells (the
// solution notebooks' code, unfinished at most positions): no panic, a
// replaced range inside the code, no duplicate matches, each match
// extending the text it replaces.
func TestEditEveryOffset(t *testing.T) {
	s := newSession(t)
	run(t, s, editSetup)
	files, _ := filepath.Glob("../notebooks/solutions/*.ipynb")
	if len(files) == 0 {
		t.Fatal("no solution notebooks")
	}
	// A label ending the code ("start :" of "start := …") once made
	// splitCell panic, which ended the session process.
	if _, start, end := s.Complete("start :", 7); start != 7 || end != 7 {
		t.Errorf("Complete(\"start :\") replaces [%d, %d)", start, end)
	}
	step := 31
	if testing.Short() {
		step = 97
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var nb struct {
			Cells []struct {
				CellType string   `json:"cell_type"`
				Source   []string `json:"source"`
			} `json:"cells"`
		}
		if err := json.Unmarshal(data, &nb); err != nil {
			t.Fatal(err)
		}
		for _, c := range nb.Cells {
			if c.CellType != "code" {
				continue
			}
			code := strings.Join(c.Source, "")
			for cursor := 0; cursor <= len(code); cursor += step {
				// As typed so far, and with the rest of the cell after the cursor.
				for _, text := range []string{code[:cursor], code} {
					m, start, end := s.Complete(text, cursor)
					if start < 0 || start > end || end > cursor {
						t.Fatalf("%s: Complete(…%q) replaces [%d, %d)", file, code[max(0, cursor-20):cursor], start, end)
					}
					seen := map[string]bool{}
					for _, x := range m {
						if seen[x] || !strings.HasPrefix(x, text[start:end]) {
							t.Fatalf("%s: Complete(…%q) = %v", file, code[max(0, cursor-20):cursor], m)
						}
						seen[x] = true
					}
				}
				s.Inspect(code, cursor, 0)
			}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.edit.lastPanic != "" {
		t.Errorf("a completion or inspection panicked: %s", s.edit.lastPanic)
	}
}

// After a cell imports packages, their go/types packages are built in the
// background, before any completion asks for them.
func TestEditorWarmsImports(t *testing.T) {
	s := newSession(t)
	run(t, s, `import "net/http"`)
	deadline := time.Now().Add(30 * time.Second)
	for !s.editImporter().Built("net/http") {
		if time.Now().After(deadline) {
			t.Fatal("net/http was not built after the cell that imported it")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if m, _, _ := s.Complete("http.Get(\"\").", 14); m != nil {
		t.Errorf("a call with two results completes to %v", m)
	}
	if m, _, _ := s.Complete("http.DefaultClient.", 19); !slices.Contains(m, "Do") {
		t.Errorf("http.DefaultClient. completes to %v", m)
	}
}
