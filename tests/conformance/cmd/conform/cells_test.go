package main

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestNotebookCells(t *testing.T) {
	src := `// header

package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

import "strings"

var total = sum(3)

// sum adds.
func sum(n int) int { return n + base }

const base = 1

func (t T) String() string { return "T" }

type T struct{}

func even(n int) bool { return n == 0 || odd(n-1) }

func odd(n int) bool { return n != 0 && even(n-1) }

func main() {
	x := ray.Put(1)
	fmt.Println(total, x)
	// conform:cell
	s := ` + "`a\n\tb`" + `
	fmt.Println(strings.ToUpper(s))
}
`
	got, err := notebookCells(src)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"import \"fmt\"\nimport \"strings\"",
		"const base = 1",
		"// sum adds.\nfunc sum(n int) int { return n + base }",
		"var total = sum(3)",
		"func (t T) String() string { return \"T\" }\n\ntype T struct{}",
		"func even(n int) bool { return n == 0 || odd(n-1) }\n\nfunc odd(n int) bool { return n != 0 && even(n-1) }",
		"x := ray.Put(1)\n\tfmt.Println(total, x)",
		"s := `a\n\tb`\n\tfmt.Println(strings.ToUpper(s))",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("notebookCells:\n got %q\nwant %q", got, want)
	}
}

func TestNotebookCellsDedent(t *testing.T) {
	got, err := notebookCells("package main\n\nfunc main() {\n\tif true {\n\t\tprintln(1)\n\t}\n}\n")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"if true {\n\tprintln(1)\n}"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestPasteCell(t *testing.T) {
	src := "// c\npackage main\n\nfunc main() {}\n"
	got, err := pasteCell(src, true)
	if err != nil {
		t.Fatal(err)
	}
	if want := "// c\n\n\nfunc main() {}\n"; got != want {
		t.Errorf("stripped: got %q, want %q", got, want)
	}
	if got, _ := pasteCell(src, false); got != src {
		t.Errorf("kept: got %q", got)
	}
}

func TestClassify(t *testing.T) {
	p := &program{Name: "p", WantError: map[string]string{formCells: "loop variable"}}
	ok := expected{Stdout: "a\nb\n", Stderr: "e\n"}
	crash := expected{Stdout: "a\n", Stderr: "panic: x\n", Exit: 2}
	for _, tc := range []struct {
		name   string
		want   expected
		got    nbOutput
		killed bool
		status string
		dev    bool
	}{
		{"same", ok, nbOutput{Stdout: "a\nb\n", Stderr: "e\n"}, false, correct, false},
		{"stdout differs", ok, nbOutput{Stdout: "a\nc\n", Stderr: "e\n"}, false, wrong, false},
		{"stderr in stdout", ok, nbOutput{Stdout: "a\nb\ne\n"}, false, wrong, false},
		{"error", ok, nbOutput{Stdout: "a\n", Errors: []string{"panic: x"}}, false, failed, false},
		{"timeout", ok, nbOutput{Errors: []string{"CellTimeoutError: ran longer"}}, false, hang, false},
		{"killed", ok, nbOutput{}, true, hang, false},
		{"crash reported", crash, nbOutput{Stdout: "a\n", Errors: []string{"panic: x"}}, false, correct, false},
		{"crash reported after wrong output", crash, nbOutput{Stdout: "b\n", Errors: []string{"panic: x"}}, false, failed, false},
		{"crash unreported", crash, nbOutput{Stdout: "a\n"}, false, wrong, false},
	} {
		r := classify(p, formPaste, tc.want, tc.got, tc.killed, "")
		if r.Status != tc.status || (r.Deviates != "") != tc.dev {
			t.Errorf("%s: got %+v, want status %s", tc.name, r, tc.status)
		}
	}
	if r := classify(p, formCells, ok, nbOutput{Stdout: "a\nb\n", Stderr: "e\n"}, false, ""); r.Deviates == "" {
		t.Errorf("declared want-error met by a correct run: %+v", r)
	}
	if r := classify(p, formCells, ok, nbOutput{Errors: []string{"CompileError: loop variable captured"}}, false, ""); r.Deviates != "" || r.Status != failed {
		t.Errorf("declared want-error: %+v", r)
	}
}

func TestReadOutputs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.ipynb")
	nb := `{"cells": [
 {"cell_type": "code", "outputs": [
  {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
  {"output_type": "stream", "name": "stderr", "text": "e\n"},
  {"output_type": "execute_result", "data": {"text/plain": "1"}}]},
 {"cell_type": "code", "outputs": [
  {"output_type": "stream", "name": "stdout", "text": "again\n"},
  {"output_type": "error", "ename": "panic", "evalue": "x", "traceback": []}]}]}`
	if err := os.WriteFile(path, []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readOutputs(path, false)
	if err != nil {
		t.Fatal(err)
	}
	want := nbOutput{Stdout: "a\nb\nagain\n", Stderr: "e\n", Errors: []string{"panic: x"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("together: got %+v, want %+v", got, want)
	}
	if got, _ = readOutputs(path, true); !reflect.DeepEqual(got, nbOutput{Stdout: "a\nb\n", Stderr: "e\n", Later: "again\npanic: x\n"}) {
		t.Errorf("later apart: got %+v", got)
	}
}

func TestReportGate(t *testing.T) {
	mk := func(name string, paste, cells result) *outcome {
		return &outcome{p: &program{Name: name, Category: "c"}, res: map[string]result{formPaste: paste, formCells: cells}}
	}
	ok := result{Status: correct}
	var outs []*outcome
	for i := 0; i < 9; i++ {
		outs = append(outs, mk(fmt.Sprint("p", i), ok, ok))
	}
	for _, tc := range []struct {
		name  string
		tenth *outcome
		pass  bool
	}{
		{"all correct", mk("p9", ok, ok), true},
		{"one clear error (90% left)", mk("p9", ok, result{Status: failed, Detail: "CompileError: x"}), true},
		{"one wrong", mk("p9", ok, result{Status: wrong}), false},
		{"one hang", mk("p9", result{Status: hang}, ok), false},
		{"main ran again", mk("p9", result{Status: correct, Rerun: "x\n"}, ok), false},
		{"declared error not met", mk("p9", ok, result{Status: correct, Deviates: "declared"}), false},
		{"harness failure", mk("p9", ok, result{Status: failed, Broken: true}), false},
	} {
		var b strings.Builder
		if got := report(&b, config{strict: true}, append(outs[:9:9], tc.tenth), "", ""); got != tc.pass {
			t.Errorf("%s: gate passes = %v, want %v\n%s", tc.name, got, tc.pass, b.String())
		}
	}
	var b strings.Builder
	two := append(outs[:8:8], mk("p8", ok, result{Status: failed}), mk("p9", ok, result{Status: failed}))
	if report(&b, config{strict: true}, two, "", "") {
		t.Errorf("80%% correct passes the gate")
	}
}

func TestParseHeader(t *testing.T) {
	p := &program{Source: "// What it checks.\n//\n// conform:category loops\n// conform:kernel\n// conform:want-error cells loop variable\n\npackage main\n// conform:category ignored\n", WantError: map[string]string{}}
	if err := p.parseHeader(); err != nil {
		t.Fatal(err)
	}
	if p.Category != "loops" || !p.Kernel || !reflect.DeepEqual(p.WantError, map[string]string{formCells: "loop variable"}) {
		t.Errorf("got %+v", p)
	}
	p = &program{Source: "// conform:category x\n// conform:want-error Exit: status 3\npackage main\n", WantError: map[string]string{}}
	if err := p.parseHeader(); err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{formPaste: "Exit: status 3", formCells: "Exit: status 3"}; !reflect.DeepEqual(p.WantError, want) {
		t.Errorf("want-error without a form: got %v", p.WantError)
	}
	for _, src := range []string{"package main\n", "// conform:category x\n// conform:bogus\npackage main\n", "// conform:category x\n// conform:want-error both\npackage main\n"} {
		p := &program{Source: src, WantError: map[string]string{}}
		if err := p.parseHeader(); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}
