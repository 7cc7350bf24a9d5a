// Command gen builds the workshop notebooks from their readable sources.
//
// Each notebooks/src/NAME.nbsrc holds both versions of one notebook: the
// exercise an attendee receives (notebooks/exercises/NAME.ipynb, serial code,
// no outputs) and its solution (notebooks/solutions/NAME.ipynb). A source is
// a sequence of cells, each introduced by a marker line:
//
//	%% md               markdown cell in both notebooks
//	%% code             code cell in both notebooks
//	%% md exercise      only in the exercise (likewise "code exercise")
//	%% code solution    only in the solution (likewise "md solution")
//
// Text between markers is the cell's source (surrounding blank lines are
// dropped). Lines before the first marker are comments for maintainers.
//
// Usage (from the repository root):
//
//	go run ./notebooks/gen            # rewrite the .ipynb files
//	go run ./notebooks/gen -check     # fail if they are out of date
package main

//go:generate go run . -dir ..

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type cell struct {
	kind    string // "markdown" or "code"
	variant string // "", "exercise" or "solution"
	source  string
}

func parse(name, text string) ([]cell, error) {
	var cells []cell
	var cur *cell
	var body []string
	flush := func() {
		if cur != nil {
			cur.source = strings.Trim(strings.Join(body, "\n"), "\n")
			cells = append(cells, *cur)
		}
		body = nil
	}
	for i, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "%% ") {
			if cur != nil {
				body = append(body, line)
			}
			continue
		}
		flush()
		f := strings.Fields(line[3:])
		c := cell{}
		switch {
		case len(f) >= 1 && f[0] == "md":
			c.kind = "markdown"
		case len(f) >= 1 && f[0] == "code":
			c.kind = "code"
		default:
			return nil, fmt.Errorf("%s:%d: bad marker %q", name, i+1, line)
		}
		if len(f) == 2 && (f[1] == "exercise" || f[1] == "solution") {
			c.variant = f[1]
		} else if len(f) != 1 {
			return nil, fmt.Errorf("%s:%d: bad marker %q", name, i+1, line)
		}
		cur = &c
	}
	flush()
	return cells, nil
}

var metadata = map[string]any{
	"kernelspec": map[string]any{
		"name":         "warren",
		"display_name": "Go (warren)",
		"language":     "go",
	},
	"language_info": map[string]any{
		"name":            "go",
		"file_extension":  ".go",
		"mimetype":        "text/x-go",
		"codemirror_mode": "go",
		"pygments_lexer":  "go",
	},
}

func lines(s string) []string {
	out := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// build renders the variant ("exercise" or "solution") as nbformat 4.5 JSON,
// formatted as Jupyter writes it (sorted keys, one-space indent).
func build(name string, cells []cell, variant string) ([]byte, error) {
	id := strings.ReplaceAll(name, "_", "-")
	var out []map[string]any
	for _, c := range cells {
		if c.variant != "" && c.variant != variant {
			continue
		}
		m := map[string]any{
			"cell_type": c.kind,
			"id":        fmt.Sprintf("%s-%02d", id, len(out)+1),
			"metadata":  map[string]any{},
			"source":    lines(c.source),
		}
		if c.kind == "code" {
			m["outputs"] = []any{}
			m["execution_count"] = nil
		}
		out = append(out, m)
	}
	nb := map[string]any{
		"cells":          out,
		"metadata":       metadata,
		"nbformat":       4,
		"nbformat_minor": 5,
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func main() {
	dir := flag.String("dir", "notebooks", "the notebooks directory (holding src/)")
	check := flag.Bool("check", false, "report out-of-date notebooks instead of writing them")
	flag.Parse()
	srcs, err := filepath.Glob(filepath.Join(*dir, "src", "*.nbsrc"))
	if err == nil && len(srcs) == 0 {
		err = errors.New("no sources in " + filepath.Join(*dir, "src"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(2)
	}
	sort.Strings(srcs)
	stale := 0
	for _, src := range srcs {
		text, err := os.ReadFile(src)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(2)
		}
		name := strings.TrimSuffix(filepath.Base(src), ".nbsrc")
		cells, err := parse(src, string(text))
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(2)
		}
		for _, variant := range []string{"exercise", "solution"} {
			b, err := build(name, cells, variant)
			if err != nil {
				fmt.Fprintln(os.Stderr, "gen:", err)
				os.Exit(2)
			}
			path := filepath.Join(*dir, variant+"s", name+".ipynb")
			if *check {
				old, _ := os.ReadFile(path)
				if !bytes.Equal(old, b) {
					fmt.Fprintf(os.Stderr, "gen: %s is out of date with %s (run: go run ./notebooks/gen)\n", path, src)
					stale++
				}
				continue
			}
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				fmt.Fprintln(os.Stderr, "gen:", err)
				os.Exit(2)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				fmt.Fprintln(os.Stderr, "gen:", err)
				os.Exit(2)
			}
		}
	}
	if stale > 0 {
		os.Exit(1)
	}
}
