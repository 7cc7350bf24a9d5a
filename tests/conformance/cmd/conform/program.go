package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A program is one corpus entry: tests/conformance/programs/NAME/main.go.
type program struct {
	Name     string // directory name, e.g. "001_loop_closure"
	Dir      string
	Source   string
	Category string
	Kernel   bool // header "conform:kernel": in the sample run through the real kernel
	// WantError maps a form ("paste" or "cells") to the substring the
	// cell error of that form must contain, for constructs warren cannot
	// run right and must refuse with a clear error.
	WantError map[string]string
}

// The header of a program is its leading // comment lines:
//
//	// conform:category loops
//	// conform:want-error [paste|cells|both] SUBSTRING
//	// conform:kernel
//
// want-error without a form means both forms; kernel puts the program in
// the sample run through the real kernel.
const headerPrefix = "// conform:"

// loadPrograms reads every program under dir, sorted by name.
func loadPrograms(dir string) ([]*program, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read corpus: %w", err)
	}
	var progs []*program
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		path := filepath.Join(dir, e.Name(), "main.go")
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read program: %w", err)
		}
		p := &program{Name: e.Name(), Dir: filepath.Join(dir, e.Name()), Source: string(src), WantError: map[string]string{}}
		if err := p.parseHeader(); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		progs = append(progs, p)
	}
	sort.Slice(progs, func(i, j int) bool { return progs[i].Name < progs[j].Name })
	return progs, nil
}

func (p *program) parseHeader() error {
	sc := bufio.NewScanner(strings.NewReader(p.Source))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "//") {
			break
		}
		if !strings.HasPrefix(line, headerPrefix) {
			continue
		}
		key, rest, _ := strings.Cut(strings.TrimPrefix(line, headerPrefix), " ")
		rest = strings.TrimSpace(rest)
		switch key {
		case "category":
			p.Category = rest
		case "kernel":
			p.Kernel = true
		case "want-error":
			forms := []string{formPaste, formCells}
			f, r, _ := strings.Cut(rest, " ")
			switch f {
			case formPaste, formCells:
				forms, rest = []string{f}, strings.TrimSpace(r)
			case "both":
				rest = strings.TrimSpace(r)
			}
			if rest == "" {
				return fmt.Errorf("want-error needs a substring")
			}
			for _, f := range forms {
				p.WantError[f] = rest
			}
		default:
			return fmt.Errorf("unknown header key %q", key)
		}
	}
	if p.Category == "" {
		return fmt.Errorf("no %scategory header", headerPrefix)
	}
	return nil
}
