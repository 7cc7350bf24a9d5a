package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// report prints the table and the lists, and says whether the gate passes.
func report(w io.Writer, c config, outs []*outcome, pkgNote, kernelNote string) bool {
	var cats []string
	byCat := map[string][]*outcome{}
	for _, o := range outs {
		if _, ok := byCat[o.p.Category]; !ok {
			cats = append(cats, o.p.Category)
		}
		byCat[o.p.Category] = append(byCat[o.p.Category], o)
	}
	sort.Strings(cats)
	statuses := []string{correct, failed, wrong, hang}
	const rerun = "rerun" // pseudo-status counted by the table's count
	fmt.Fprintf(w, "## Conformance corpus: %d programs\n\n", len(outs))
	fmt.Fprintf(w, "Paste form: %s A second cell `_ = 0` follows (main must not run again).\n\n", pkgNote)
	fmt.Fprintln(w, "Cells form: imports (without `ray \"github.com/warren-go/warren/parallel\"`, which cells have predeclared), one cell per declaration, then main's body as top-level statements.")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "error: a cell failed with an error; wrong: ran but the output differs, or warren crashed; hang: a cell hit --timeout or warren had to be killed.")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "| category | n | paste correct | paste error | paste wrong | paste hang | paste: main ran again | cells correct | cells error | cells wrong | cells hang | correct in both |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	total := map[string]int{}
	bothTotal := 0
	row := func(name string, n int, count func(form, st string) int, both int) {
		fmt.Fprintf(w, "| %s | %d |", name, n)
		for _, f := range []string{formPaste, formCells} {
			for _, st := range statuses {
				fmt.Fprintf(w, " %d |", count(f, st))
			}
			if f == formPaste {
				fmt.Fprintf(w, " %d |", count(f, rerun))
			}
		}
		fmt.Fprintf(w, " %d |\n", both)
	}
	for _, cat := range cats {
		group := byCat[cat]
		both := 0
		for _, o := range group {
			if p := o.res[formPaste]; p.Status == correct && p.Rerun == "" && o.res[formCells].Status == correct {
				both++
			}
		}
		bothTotal += both
		row(cat, len(group), func(form, st string) int {
			n := 0
			for _, o := range group {
				if r := o.res[form]; r.Status == st || (st == rerun && r.Rerun != "") {
					n++
				}
			}
			total[form+st] += n
			return n
		}, both)
	}
	row("**total**", len(outs), func(form, st string) int { return total[form+st] }, bothTotal)
	pct := 100 * float64(bothTotal) / float64(len(outs))
	ignoringRerun := 0
	for _, o := range outs {
		if o.res[formPaste].Status == correct && o.res[formCells].Status == correct {
			ignoringRerun++
		}
	}
	fmt.Fprintf(w, "\nCorrect in both forms (the paste form's later cell silent): %d/%d (%.1f%%; the gate needs 90%%).\n", bothTotal, len(outs), pct)
	fmt.Fprintf(w, "Correct in both forms not counting main running again: %d/%d.\n", ignoringRerun, len(outs))

	list := func(title string, keep func(r result) bool, detail func(o *outcome, form string, r result) string) int {
		var lines []string
		for _, o := range outs {
			for _, f := range []string{formPaste, formCells, kernelForm(formPaste), kernelForm(formCells)} {
				if r, ok := o.res[f]; ok && keep(r) {
					lines = append(lines, fmt.Sprintf("- `%s` [%s, %s] %s", o.p.Name, f, o.p.Category, detail(o, f, r)))
				}
			}
		}
		fmt.Fprintf(w, "\n### %s (%d)\n\n", title, len(lines))
		for _, l := range lines {
			fmt.Fprintln(w, l)
		}
		return len(lines)
	}
	bad := list("Wrong output and hangs", func(r result) bool { return r.Status == wrong || r.Status == hang },
		func(_ *outcome, _ string, r result) string { return "**" + r.Status + "**: " + oneLine(r.Detail) })
	var reran []string
	for _, o := range outs {
		for _, f := range []string{formPaste, kernelForm(formPaste)} {
			if r, ok := o.res[f]; ok && r.Rerun != "" {
				reran = append(reran, fmt.Sprintf("`%s` [%s] (%s)", o.p.Name, f, abbrev(r.Rerun, 40)))
			}
		}
	}
	fmt.Fprintf(w, "\n### Paste form: main ran again in the later cell (%d)\n\n%s\n", len(reran), strings.Join(reran, ", "))
	bad += len(reran)
	dev := list("Deviations from a declared want-error", func(r result) bool { return r.Deviates != "" },
		func(_ *outcome, _ string, r result) string { return r.Deviates })
	broken := list("Harness failures (nbconvert)", func(r result) bool { return r.Broken },
		func(_ *outcome, _ string, r result) string { return oneLine(r.Detail) })
	list("Errors (ename: evalue)", func(r result) bool { return r.Status == failed && !r.Broken },
		func(o *outcome, f string, r result) string {
			s := oneLine(r.Detail)
			if sub, ok := o.p.WantError[f]; ok {
				s += " (declared: " + sub + ")"
			}
			return s
		})
	if kernelNote != "" {
		fmt.Fprintf(w, "\n### Kernel sample (nbconvert)\n\n%s\n", kernelNote)
	}
	ok := bad == 0 && dev == 0 && broken == 0 && pct >= 90
	gate := "PASS"
	if !ok {
		gate = "FAIL"
	}
	mode := "report only, not enforced"
	if c.strict && !c.report {
		mode = "strict"
	}
	fmt.Fprintf(w, "\nGate (%s): %s — %d wrong/hang/main re-run, %d deviations, %d harness failures, %.1f%% correct in both forms.\n", mode, gate, bad, dev, broken, pct)
	return ok
}

func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " — ")
	if len([]rune(s)) > 300 {
		s = string([]rune(s)[:300]) + "…"
	}
	return s
}
