package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warren-go/warren/interp"
)

const smallNotebook = `{
 "cells": [
  {"cell_type": "markdown", "id": "md-1", "metadata": {}, "source": ["# Title\n", "text <b>bold</b>"]},
  {"cell_type": "code", "id": "code-1", "metadata": {"collapsed": false}, "execution_count": 7,
   "outputs": [{"output_type": "stream", "name": "stdout", "text": "stale\n"}],
   "source": "fmt.Println(\"hello\")\nx := 40"},
  {"cell_type": "code", "id": "code-empty", "metadata": {}, "execution_count": null, "outputs": [], "source": ["  \n"]},
  {"cell_type": "code", "id": "code-2", "metadata": {}, "execution_count": null, "outputs": [], "source": ["x + 2"]},
  {"cell_type": "raw", "id": "raw-1", "metadata": {"format": "text/plain"}, "source": "raw stays"}
 ],
 "metadata": {"kernelspec": {"display_name": "Go (warren)", "language": "go", "name": "warren"},
              "language_info": {"name": "go"}, "custom": {"n": 1.50, "big": 12345678901234567890}},
 "nbformat": 4,
 "nbformat_minor": 5
}`

func TestNotebookRoundTrip(t *testing.T) {
	nb, err := parseNotebook([]byte(smallNotebook))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 5 || nb.Cells[0].Source != "# Title\ntext <b>bold</b>" || nb.Cells[1].Source != "fmt.Println(\"hello\")\nx := 40" {
		t.Fatalf("cells parsed wrong: %+v", nb.Cells)
	}
	if nb.kernelName() != "warren" {
		t.Fatalf("kernel name %q", nb.kernelName())
	}
	b, err := nb.encode()
	if err != nil {
		t.Fatal(err)
	}
	// Semantically identical, except that source is written as a list of lines.
	var got, want map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(smallNotebook), &want); err != nil {
		t.Fatal(err)
	}
	for _, m := range []map[string]any{got, want} {
		for _, c := range m["cells"].([]any) {
			c := c.(map[string]any)
			if l, ok := c["source"].([]any); ok {
				s := ""
				for _, p := range l {
					s += p.(string)
				}
				c["source"] = s
			}
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("round trip changed the notebook:\n%s", b)
	}
	if !bytes.Contains(b, []byte("<b>bold</b>")) {
		t.Errorf("HTML was escaped:\n%s", b)
	}
	if !bytes.Contains(b, []byte("12345678901234567890")) {
		t.Errorf("big number not preserved:\n%s", b)
	}
	// Encoding is stable.
	nb2, err := parseNotebook(b)
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := nb2.encode()
	if !bytes.Equal(b, b2) {
		t.Errorf("second encoding differs:\n%s\n%s", b, b2)
	}
}

func TestNotebookRejectsOtherFormats(t *testing.T) {
	for _, s := range []string{`{"nbformat": 3, "cells": []}`, `[]`, `{"cells": 1, "nbformat": 4}`} {
		if _, err := parseNotebook([]byte(s)); err == nil {
			t.Errorf("parseNotebook(%s) succeeded", s)
		}
	}
}

func TestSplitLines(t *testing.T) {
	for in, want := range map[string][]string{
		"":         {},
		"a":        {"a"},
		"a\n":      {"a\n"},
		"a\nb":     {"a\n", "b"},
		"a\n\nb\n": {"a\n", "\n", "b\n"},
	} {
		if got := splitLines(in); !reflect.DeepEqual(got, want) {
			t.Errorf("splitLines(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRunArgs(t *testing.T) {
	o, err := parseRunArgs([]string{"a.ipynb", "--allow-errors", "-o", "out", "b.ipynb", "--", "-c.ipynb"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if !o.allowErrors || o.out != "out" || !reflect.DeepEqual(o.paths, []string{"a.ipynb", "b.ipynb", "-c.ipynb"}) {
		t.Fatalf("%+v", o)
	}
	if _, err := parseRunArgs(nil, &bytes.Buffer{}); err == nil {
		t.Fatal("no notebooks accepted")
	}
}

// fakeSession evaluates a tiny language: each line is "print TEXT",
// "show HTML", "value TEXT", "fail MSG", "late TEXT" (prints after the cell
// finished) or "sleep".
type fakeSession struct {
	mu    sync.Mutex
	cells []string
	late  sync.WaitGroup
}

func (f *fakeSession) Execute(ctx context.Context, id, code string, out interp.Output) (map[string]any, error) {
	f.mu.Lock()
	f.cells = append(f.cells, id)
	f.mu.Unlock()
	var res map[string]any
	for _, line := range strings.Split(code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "print":
			out.Stream("stdout", arg+"\n")
		case "eprint":
			out.Stream("stderr", arg+"\n")
		case "show":
			out.Display(map[string]any{"text/html": arg}, nil)
		case "value":
			res = map[string]any{"text/plain": arg}
		case "fail":
			return nil, &interp.Error{Name: "panic", Value: arg, Traceback: []string{"cell1:1: " + line}}
		case "plainerr":
			return nil, errors.New(arg)
		case "late":
			f.late.Add(1)
			go func() {
				defer f.late.Done()
				time.Sleep(20 * time.Millisecond)
				out.Stream("stdout", arg+"\n")
			}()
		case "sleep":
			select {
			case <-ctx.Done():
				return nil, &interp.Error{Name: "KeyboardInterrupt", Value: "interrupted"}
			case <-time.After(5 * time.Second):
			}
		}
	}
	return res, nil
}

func codeNotebook(t *testing.T, dir, name string, cells ...string) string {
	t.Helper()
	nb := &notebook{Nbformat: 4, NbformatMinor: 5, Metadata: json.RawMessage(`{"kernelspec":{"name":"warren","display_name":"Go (warren)","language":"go"}}`)}
	for i, c := range cells {
		nb.Cells = append(nb.Cells, &nbCell{Type: "code", ID: "c" + string(rune('a'+i)), Source: c})
	}
	p := filepath.Join(dir, name)
	if err := writeNotebook(p, nb); err != nil {
		t.Fatal(err)
	}
	return p
}

func runFake(t *testing.T, args ...string) (int, string, string, *fakeSession) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	fs := &fakeSession{}
	code := runMain(args, &stdout, &stderr, func() (cellSession, func(), error) {
		return fs, func() { fs.late.Wait() }, nil
	})
	return code, stdout.String(), stderr.String(), fs
}

func TestRunOutputs(t *testing.T) {
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb",
		"print one\nprint two\neprint warn\nprint three",
		"show <b>x</b>\nvalue 42\nlate afterwards",
		"",
		"print last")
	out := filepath.Join(dir, "out.ipynb")
	code, stdout, stderr, fs := runFake(t, "-o", out, in)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if len(fs.cells) != 3 {
		t.Errorf("ran %d cells, want 3 (empty cell skipped): %v", len(fs.cells), fs.cells)
	}
	for _, s := range []string{"one\ntwo\n", "three\n", "Out[2]: 42", "[rich output: text/html]", "last\n"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout)
		}
	}
	if !strings.Contains(stderr, "warn\n") {
		t.Errorf("stderr lacks the cell's stderr:\n%s", stderr)
	}
	nb, err := readNotebook(out)
	if err != nil {
		t.Fatal(err)
	}
	c := nb.Cells
	if *c[0].ExecutionCount != 1 || *c[1].ExecutionCount != 2 || c[2].ExecutionCount != nil || *c[3].ExecutionCount != 3 {
		t.Errorf("execution counts wrong")
	}
	outs, _ := json.Marshal(c[0].Outputs)
	if string(outs) != `[{"name":"stdout","output_type":"stream","text":"one\ntwo\n"},{"name":"stderr","output_type":"stream","text":"warn\n"},{"name":"stdout","output_type":"stream","text":"three\n"}]` {
		t.Errorf("cell 1 outputs: %s", outs)
	}
	outs, _ = marshalNoEscape(c[1].Outputs)
	if string(outs) != `[{"data":{"text/html":"<b>x</b>"},"metadata":{},"output_type":"display_data"},{"data":{"text/plain":"42"},"execution_count":2,"metadata":{},"output_type":"execute_result"},{"name":"stdout","output_type":"stream","text":"afterwards\n"}]` {
		t.Errorf("cell 2 outputs (late output belongs to cell 2): %s", outs)
	}
}

func TestRunStopsAtFirstError(t *testing.T) {
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb", "print before", "fail This is too slow.", "print after")
	out := filepath.Join(dir, "out.ipynb")
	code, stdout, stderr, fs := runFake(t, in, "-o", out)
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if len(fs.cells) != 2 || strings.Contains(stdout, "after") {
		t.Errorf("ran past the error: %v\n%s", fs.cells, stdout)
	}
	for _, s := range []string{"An error occurred while executing the following cell", "fail This is too slow.", "cell1:1: fail", "panic: This is too slow."} {
		if !strings.Contains(stderr, s) {
			t.Errorf("stderr lacks %q:\n%s", s, stderr)
		}
	}
	nb, err := readNotebook(out)
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := json.Marshal(nb.Cells[1].Outputs)
	if string(outs) != `[{"ename":"panic","evalue":"This is too slow.","output_type":"error","traceback":["cell1:1: fail This is too slow."]}]` {
		t.Errorf("error output: %s", outs)
	}
}

func TestRunAllowErrors(t *testing.T) {
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb", "plainerr boom", "print after")
	code, stdout, _, fs := runFake(t, "--allow-errors", in)
	if code != 0 || len(fs.cells) != 2 || !strings.Contains(stdout, "Error: boom") || !strings.Contains(stdout, "after") {
		t.Fatalf("exit %d, cells %v:\n%s", code, fs.cells, stdout)
	}
}

func TestRunSeveralNotebooks(t *testing.T) {
	dir := t.TempDir()
	a := codeNotebook(t, dir, "a.ipynb", "print A")
	b := codeNotebook(t, dir, "b.ipynb", "print B")
	outDir := filepath.Join(dir, "out")
	code, stdout, stderr, _ := runFake(t, "-o", outDir, a, b)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "A\n") || !strings.Contains(stdout, "B\n") {
		t.Errorf("stdout: %s", stdout)
	}
	for _, n := range []string{"a.ipynb", "b.ipynb"} {
		if _, err := readNotebook(filepath.Join(outDir, n)); err != nil {
			t.Error(err)
		}
	}
	// Same base name twice cannot go to one directory.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	a2 := codeNotebook(t, sub, "a.ipynb", "print A2")
	if code, _, stderr, _ := runFake(t, "-o", outDir, a, a2); code != 2 {
		t.Errorf("exit %d for clashing names: %s", code, stderr)
	}
	// A missing notebook fails before anything runs.
	if code, _, _, fs := runFake(t, a, filepath.Join(dir, "missing.ipynb")); code != 2 || len(fs.cells) != 0 {
		t.Errorf("exit %d, ran %v", code, fs.cells)
	}
}

func TestRunTimeout(t *testing.T) {
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb", "sleep")
	start := time.Now()
	code, _, stderr, _ := runFake(t, "--timeout", "100ms", in)
	if code != 1 || !strings.Contains(stderr, "CellTimeoutError") || time.Since(start) > 10*time.Second { // the fake cell only ends when cancelled
		t.Fatalf("exit %d after %v:\n%s", code, time.Since(start), stderr)
	}
}

// TestRunInterpreter runs a small notebook with the real interpreter and ray.
func TestRunInterpreter(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an interpreter")
	}
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb",
		"import \"fmt\"\nray.Init(ray.NumCPUs(2))\nfmt.Print()",
		"var square = ray.Remote(func(x int) int { return x * x })\nfmt.Println(\"defined\")",
		"refs := []ray.ObjectRef{}\nfor i := 0; i < 4; i++ {\n\trefs = append(refs, square.Remote(i))\n}\nfmt.Println(ray.GetAll(refs...))",
		"import \"display\"\ndisplay.HTML(\"<i>hi</i>\")",
		"40 + 2",
		`panic("This is too slow.")`,
		`fmt.Println("not reached")`)
	out := filepath.Join(dir, "out.ipynb")
	var stdout, stderr bytes.Buffer
	code := runMain([]string{"-o", out, in}, &stdout, &stderr, newInterpSession)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout.String(), stderr.String())
	}
	for _, s := range []string{"defined\n", "[0 1 4 9]\n", "Out[5]: 42"} {
		if !strings.Contains(stdout.String(), s) {
			t.Errorf("stdout lacks %q:\n%s", s, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "not reached") {
		t.Errorf("ran past the failing cell")
	}
	if !strings.Contains(stderr.String(), "This is too slow.") {
		t.Errorf("stderr lacks the error:\n%s", stderr.String())
	}
	nb, err := readNotebook(out)
	if err != nil {
		t.Fatal(err)
	}
	kinds := func(i int) string {
		var k []string
		for _, o := range nb.Cells[i].Outputs {
			k = append(k, o["output_type"].(string))
		}
		return strings.Join(k, ",")
	}
	for i, want := range []string{"", "stream", "stream", "execute_result", "execute_result", "error", ""} {
		if got := kinds(i); got != want {
			t.Errorf("cell %d outputs %q, want %q", i, got, want)
		}
	}
	if len(nb.Cells[3].Outputs) == 0 {
		t.Fatal("no output from display.HTML")
	}
	if html, _ := nb.Cells[3].Outputs[0]["data"].(map[string]any)["text/html"].(string); html != "<i>hi</i>" {
		t.Errorf("display.HTML output: %v", nb.Cells[3].Outputs[0])
	}
}
