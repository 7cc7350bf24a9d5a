// Command conform runs warren's conformance corpus: small Go programs, each
// compiled and run for its expected output, then run in warren in two forms
// — the whole program pasted as one cell (then a silent cell, which must
// not run main again), and idiomatic notebook cells (imports, each
// declaration, then main's body as top-level statements) — with
// `warren run`, and the programs tagged conform:kernel through the real
// kernel with `jupyter nbconvert --execute`. Each program and form is
// classified as correct, error (a cell failed with an error), wrong (ran,
// output differs, or warren crashed) or hang, and a table by category is
// printed. tests/conformance/README.md describes the corpus format.
//
// By default (and with -report) conform only measures and exits 0 unless
// the corpus itself cannot be built or run (status 2). With -strict it is a
// gate (status 1): it fails on any wrong output, any hang, main running
// again, any program whose declared want-error is not met, a harness
// failure, or when fewer than 90% of the programs are correct in both forms.
//
// It does not test the kernel protocol or the ray scheduler; those have
// their own tests.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

type config struct {
	warren, corpus, goCmd, python, keep string
	cellTimeout                         time.Duration
	workers, kernelSample               int
	strict, report                      bool
	only                                *regexp.Regexp
}

func main() {
	var c config
	var only string
	flag.StringVar(&c.warren, "warren", "bin/warren", "the warren binary")
	flag.StringVar(&c.corpus, "corpus", "tests/conformance/programs", "the corpus directory (inside the warren module)")
	flag.StringVar(&c.goCmd, "go", "go", "the go command")
	flag.StringVar(&c.python, "python", "/usr/bin/python3", "python with nbconvert, for the kernel sample")
	flag.StringVar(&c.keep, "keep", "", "write notebooks and outputs into this directory and keep them")
	flag.DurationVar(&c.cellTimeout, "timeout", 20*time.Second, "warren run --timeout per cell")
	flag.IntVar(&c.workers, "j", 6, "notebooks run at once")
	flag.IntVar(&c.kernelSample, "kernel", 10, "programs run through the real kernel with nbconvert (0: none)")
	flag.BoolVar(&c.strict, "strict", false, "fail on wrong output, hangs, unmet want-error, or < 90% correct in both forms")
	flag.BoolVar(&c.report, "report", false, "print the table and never fail (overrides -strict)")
	flag.StringVar(&only, "run", "", "only programs whose name matches this regexp")
	flag.Parse()
	if only != "" {
		re, err := regexp.Compile(only)
		if err != nil {
			fmt.Fprintln(os.Stderr, "conform: -run:", err)
			os.Exit(2)
		}
		c.only = re
	}
	ok, err := run(context.Background(), c, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "conform:", err)
		os.Exit(2)
	}
	if !ok && c.strict && !c.report {
		os.Exit(1)
	}
}

// outcome holds everything measured for one program.
type outcome struct {
	p      *program
	want   expected
	res    map[string]result // by form; "kernel" for the nbconvert sample
	failed error             // the compiled program could not be run
}

func run(ctx context.Context, c config, w io.Writer) (bool, error) {
	start := time.Now()
	progs, err := loadPrograms(c.corpus)
	if err != nil {
		return false, err
	}
	if c.only != nil {
		var sel []*program
		for _, p := range progs {
			if c.only.MatchString(p.Name) {
				sel = append(sel, p)
			}
		}
		progs = sel
	}
	if len(progs) == 0 {
		return false, fmt.Errorf("no programs in %s", c.corpus)
	}
	warren, err := filepath.Abs(c.warren)
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(warren); err != nil {
		return false, fmt.Errorf("warren binary: %w (run make build)", err)
	}
	dir := c.keep
	if dir == "" {
		if dir, err = os.MkdirTemp("", "warren-conform-"); err != nil {
			return false, err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return false, err
	}
	binDir := filepath.Join(dir, "bin")
	if err := compileAll(ctx, c.goCmd, c.corpus, binDir); err != nil {
		return false, err
	}

	stripPkg, pkgNote, err := probePackageClause(ctx, warren, dir, c.cellTimeout)
	if err != nil {
		return false, err
	}
	outs := make([]*outcome, len(progs))
	for i, p := range progs {
		outs[i] = &outcome{p: p, res: map[string]result{}}
	}
	// Expected outputs.
	parallel(len(progs), c.workers, func(i int) {
		o := outs[i]
		o.want, o.failed = runCompiled(ctx, filepath.Join(binDir, o.p.Name), c.cellTimeout)
	})
	for _, o := range outs {
		if o.failed != nil {
			return false, o.failed
		}
	}
	compiled := time.Since(start)
	// Notebooks.
	type job struct {
		o          *outcome
		form, path string
	}
	var jobs []job
	for _, o := range outs {
		paste, err := pasteCell(o.p.Source, stripPkg)
		if err != nil {
			return false, fmt.Errorf("%s: %w", o.p.Name, err)
		}
		cells, err := notebookCells(o.p.Source)
		if err != nil {
			return false, fmt.Errorf("%s: %w", o.p.Name, err)
		}
		for form, srcs := range map[string][]string{formPaste: {paste, laterCell}, formCells: cells} {
			path := filepath.Join(dir, "nb", o.p.Name+"."+form+".ipynb")
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return false, err
			}
			if err := writeNotebook(path, srcs); err != nil {
				return false, err
			}
			jobs = append(jobs, job{o, form, path})
		}
	}
	// The kernel sample runs alongside: most of warren run's time is spent
	// waiting for cells that hang.
	type kernelDone struct {
		kr  kernelRun
		err error
	}
	kch := make(chan kernelDone, 1)
	if c.kernelSample > 0 {
		go func() {
			kr, err := runKernelSample(ctx, c, warren, dir, outs)
			kch <- kernelDone{kr, err}
		}()
	}
	results := make([]result, len(jobs))
	limit := c.cellTimeout + 10*time.Second
	parallel(len(jobs), c.workers, func(i int) {
		j := jobs[i]
		out := strings.TrimSuffix(j.path, ".ipynb") + ".out.ipynb"
		_ = os.Remove(out) // a stale result from an earlier -keep run
		log, killed, runErr := runWarren(ctx, warren, j.path, out, c.cellTimeout, limit)
		var got nbOutput
		if !killed {
			var err error
			if got, err = readOutputs(out, j.form == formPaste); err != nil || runErr != nil {
				// warren itself died: as bad as a wrong answer.
				results[i] = result{Status: wrong, Detail: "warren crashed (no notebook written): " + abbrev(log, 200)}
				return
			}
		}
		results[i] = classify(j.o.p, j.form, j.o.want, got, killed, log)
	})
	for i, j := range jobs {
		j.o.res[j.form] = results[i]
	}
	ran := time.Since(start)

	var kernelNote string
	var kernelTook time.Duration
	kernelOK := true
	if c.kernelSample > 0 {
		kd := <-kch
		if kd.err != nil {
			kernelNote, kernelOK = "**kernel sample not run**: "+kd.err.Error(), false
		} else {
			kernelNote, kernelTook = kd.kr.note(), kd.kr.took
		}
	}
	ok := report(w, c, outs, pkgNote, kernelNote) && kernelOK
	fmt.Fprintf(w, "\nTimes: compile and run the programs %.1fs, warren run %.1fs, kernel sample %.1fs (at the same time), total %.1fs.\n",
		compiled.Seconds(), (ran - compiled).Seconds(), kernelTook.Seconds(), time.Since(start).Seconds())
	return ok, nil
}

// probePackageClause finds out whether warren accepts a `package main`
// clause in a cell; if not, the paste form strips it.
func probePackageClause(ctx context.Context, warren, dir string, timeout time.Duration) (strip bool, note string, err error) {
	nb := filepath.Join(dir, "probe.ipynb")
	out := filepath.Join(dir, "probe.out.ipynb")
	if err := writeNotebook(nb, []string{"package main\n\nconst conformProbe = 1\n"}); err != nil {
		return false, "", err
	}
	log, killed, err := runWarren(ctx, warren, nb, out, timeout, timeout+10*time.Second)
	if killed || err != nil {
		return false, "", fmt.Errorf("probe `package main` with warren run: killed=%v %v: %s", killed, err, log)
	}
	got, err := readOutputs(out, false)
	if err != nil {
		return false, "", err
	}
	if len(got.Errors) > 0 {
		return true, "warren rejects a `package main` clause in a cell (" + got.Errors[0] +
			"), so the paste form is the file with its package clause removed.", nil
	}
	return false, "warren accepts `package main` in a cell; the paste form is the file as is.", nil
}
