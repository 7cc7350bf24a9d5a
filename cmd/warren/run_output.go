package main

import (
	"bufio"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/warren-go/warren/interp"
)

// cellOutput collects one cell's outputs and echoes them to the terminal.
// Task output may arrive after the cell finished (from tasks it started);
// it is still recorded under this cell.
type cellOutput struct {
	r       *nbRunner
	cell    *nbCell
	n       int
	mu      sync.Mutex
	printed bool
	lastNL  bool
}

var (
	_ interp.Output   = (*cellOutput)(nil)
	_ interp.Inputter = (*cellOutput)(nil)
)

// Input reads the next line of warren run's standard input for the cell
// (fmt.Scan, os.Stdin): io.EOF when there is none.
func (co *cellOutput) Input(prompt string, password bool) (string, error) {
	if co.r.stdin == nil {
		return "", io.EOF
	}
	if prompt != "" {
		co.Stream("stdout", prompt)
	}
	return co.r.stdin.line()
}

// lineInput hands out the lines of a reader, one per call, to the cells of
// every notebook warren run runs.
type lineInput struct {
	mu sync.Mutex
	r  *bufio.Reader
}

// line returns the next line without its line ending; a last line without
// one is returned too, then io.EOF.
func (in *lineInput) line() (string, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	s, err := in.r.ReadString('\n')
	if err != nil && (err != io.EOF || s == "") {
		return "", err
	}
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// header prints the cell's heading before its first output. printMu held.
func (co *cellOutput) header() {
	if co.printed {
		return
	}
	co.printed = true
	co.lastNL = true
	fmt.Fprintf(co.r.stdout, "── %s · In [%d] ──\n", filepath.Base(co.r.name), co.n)
}

func (co *cellOutput) add(o map[string]any) {
	co.mu.Lock()
	co.cell.Outputs = append(co.cell.Outputs, o)
	co.mu.Unlock()
}

func (co *cellOutput) Stream(name, text string) {
	if text == "" {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	co.mu.Lock()
	// Coalesce consecutive text on the same stream, as Jupyter does.
	if k := len(co.cell.Outputs); k > 0 {
		last := co.cell.Outputs[k-1]
		if last["output_type"] == "stream" && last["name"] == name {
			last["text"] = last["text"].(string) + text
			co.mu.Unlock()
			co.print(name, text)
			return
		}
	}
	co.cell.Outputs = append(co.cell.Outputs, map[string]any{
		"output_type": "stream",
		"name":        name,
		"text":        text,
	})
	co.mu.Unlock()
	co.print(name, text)
}

func (co *cellOutput) print(name, text string) {
	if co.r.quiet {
		return
	}
	co.r.printMu.Lock()
	defer co.r.printMu.Unlock()
	co.header()
	w := co.r.stdout
	if name == "stderr" {
		w = co.r.stderr
	}
	io.WriteString(w, text)
	co.lastNL = strings.HasSuffix(text, "\n")
}

func (co *cellOutput) Display(data, metadata map[string]any) {
	if metadata == nil {
		metadata = map[string]any{}
	}
	co.add(map[string]any{
		"output_type": "display_data",
		"data":        normaliseBundle(data),
		"metadata":    metadata,
	})
	co.printRich("", data)
}

func (co *cellOutput) result(data map[string]any) {
	co.add(map[string]any{
		"output_type":     "execute_result",
		"data":            normaliseBundle(data),
		"metadata":        map[string]any{},
		"execution_count": co.n,
	})
	co.printRich(fmt.Sprintf("Out[%d]: ", co.n), data)
}

// normaliseBundle stores text-like MIME data as strings ([]byte would be
// base64 in JSON; nbformat wants strings for everything but JSON types).
func normaliseBundle(data map[string]any) map[string]any {
	out := make(map[string]any, len(data))
	for k, v := range data {
		if b, ok := v.([]byte); ok && !strings.HasSuffix(k, "json") {
			v = string(b)
		}
		out[k] = v
	}
	return out
}

func (co *cellOutput) printRich(prefix string, data map[string]any) {
	if co.r.quiet {
		return
	}
	co.r.printMu.Lock()
	defer co.r.printMu.Unlock()
	co.header()
	w := co.r.stdout
	if !co.lastNL {
		io.WriteString(w, "\n")
	}
	if t, ok := data["text/plain"]; ok {
		s := fmt.Sprint(t)
		if b, ok := t.([]byte); ok {
			s = string(b)
		}
		fmt.Fprintf(w, "%s%s\n", prefix, strings.TrimRight(s, "\n"))
	} else {
		var kinds []string
		for k := range data {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		fmt.Fprintf(w, "%s[rich output: %s]\n", prefix, strings.Join(kinds, ", "))
	}
	co.lastNL = true
}

// stripANSI removes terminal colour sequences (ESC [ ... letter).
func stripANSI(s string) string {
	if !strings.Contains(s, "\x1b[") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && !(s[j] >= '@' && s[j] <= '~') {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
