package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Outcomes of one program in one form.
const (
	correct = "correct"
	failed  = "error" // a cell failed with an error (ename/evalue recorded)
	wrong   = "wrong" // ran, but the output differs from the compiled program's
	hang    = "hang"  // a cell hit --timeout, or warren had to be killed
)

// expected is what the compiled program does. The two streams are kept
// apart: Jupyter carries stdout and stderr as separate streams, and kernels
// (ipykernel too) batch each stream, so their relative order in a notebook
// is not the order of the writes.
type expected struct {
	Stdout, Stderr string
	Exit           int
}

// result is the outcome of one program in one form.
type result struct {
	Status   string
	Detail   string // ename: evalue, or a short diff
	Deviates string // non-empty: the program's declared want-error was not met
	Broken   bool   // the harness (nbconvert) failed, not warren's cell
	Rerun    string // paste form: what the later cell printed (main ran again)
}

// compileAll builds every program with one go build into binDir.
func compileAll(ctx context.Context, goCmd, corpus, binDir string) error {
	cmd := exec.CommandContext(ctx, goCmd, "build", "-o", binDir+string(os.PathSeparator), "./"+filepath.ToSlash(corpus)+"/...")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go build the corpus: %w\n%s", err, out)
	}
	return nil
}

// runCompiled runs one compiled program for its expected output.
func runCompiled(ctx context.Context, bin string, timeout time.Duration) (expected, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = os.TempDir()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return expected{}, fmt.Errorf("%s: the compiled program did not end within %v", bin, timeout)
	}
	e := expected{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		e.Exit = ee.ExitCode()
		err = nil
	}
	return e, err
}

// nbOutput is what an executed notebook holds.
type nbOutput struct {
	Stdout, Stderr string // the stream outputs of each name, concatenated
	Errors         []string
	// Later is what the cells after the first printed or raised, when
	// readOutputs was asked to keep them apart (the paste form).
	Later string
}

// readOutputs reads an executed notebook. With laterApart, the outputs of
// the cells after the first go to Later instead.
func readOutputs(path string, laterApart bool) (nbOutput, error) {
	var nb struct {
		Cells []struct {
			Outputs []struct {
				OutputType string          `json:"output_type"`
				Name       string          `json:"name"`
				Text       json.RawMessage `json:"text"`
				Ename      string          `json:"ename"`
				Evalue     string          `json:"evalue"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	var o nbOutput
	b, err := os.ReadFile(path)
	if err != nil {
		return o, err
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		return o, fmt.Errorf("%s: %w", path, err)
	}
	for ci, c := range nb.Cells {
		for _, out := range c.Outputs {
			later := laterApart && ci > 0
			switch out.OutputType {
			case "stream":
				t, err := multiline(out.Text)
				if err != nil {
					return o, fmt.Errorf("%s: %w", path, err)
				}
				if later {
					o.Later += t
				} else if out.Name == "stderr" {
					o.Stderr += t
				} else {
					o.Stdout += t
				}
			case "error":
				if later {
					o.Later += out.Ename + ": " + out.Evalue + "\n"
				} else {
					o.Errors = append(o.Errors, out.Ename+": "+out.Evalue)
				}
			}
		}
	}
	return o, nil
}

func multiline(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", err
	}
	return strings.Join(parts, ""), nil
}

// runWarren executes one notebook with `warren run` and returns where the
// executed notebook was written; killed reports that warren did not end
// within limit (a cell stuck beyond warren's own --timeout).
func runWarren(ctx context.Context, warren, nb, out string, cellTimeout, limit time.Duration) (log string, killed bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, warren, "run", "--allow-errors", "--timeout", cellTimeout.String(), "-q", "-o", out, nb)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	cmd.WaitDelay = 2 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		return buf.String(), true, nil
	}
	return buf.String(), false, err
}

// classify compares an executed notebook with the compiled program.
func classify(p *program, form string, want expected, got nbOutput, killed bool, log string) result {
	var r result
	timedOut := false
	for _, e := range got.Errors {
		if strings.HasPrefix(e, "CellTimeoutError:") {
			timedOut = true
		}
	}
	switch {
	case killed || timedOut:
		r.Status = hang
		r.Detail = "warren run did not end within --timeout + 10s and was killed"
		if timedOut {
			r.Detail = "a cell hit --timeout"
		}
		if out := got.Stdout + got.Stderr; out != "" {
			r.Detail += "; output so far: " + abbrev(out, 120)
		} else if log != "" {
			r.Detail += "; log: " + abbrev(log, 120)
		}
	case len(got.Errors) > 0:
		r.Status = failed
		r.Detail = got.Errors[0]
		if want.Exit != 0 && got.Stdout == want.Stdout {
			r.Status = correct
		}
	case want.Exit != 0:
		r.Status = wrong
		r.Detail = fmt.Sprintf("the compiled program exits with status %d; warren reports no error", want.Exit)
		if d := shortDiff(want.Stdout, got.Stdout); d != "" {
			r.Detail += "\n" + d
		}
	case got.Stdout == want.Stdout && got.Stderr == want.Stderr:
		r.Status = correct
	default:
		r.Status = wrong
		if d := shortDiff(want.Stdout, got.Stdout); d != "" {
			r.Detail = "stdout " + d
		}
		if d := shortDiff(want.Stderr, got.Stderr); d != "" {
			r.Detail = strings.TrimPrefix(r.Detail+"; stderr "+d, "; ")
		}
	}
	if got.Later != "" {
		r.Rerun = got.Later
	}
	if sub, ok := p.WantError[form]; ok {
		met := false
		for _, e := range got.Errors {
			met = met || strings.Contains(e, sub)
		}
		if !met {
			r.Deviates = fmt.Sprintf("declared: must fail with an error containing %q; got %s", sub, r.Status)
		}
	}
	return r
}

func abbrev(s string, n int) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "\n", "⏎")
	if len([]rune(s)) > n {
		return string([]rune(s)[:n]) + "…"
	}
	return s
}

// shortDiff shows the first differing lines of want and got.
func shortDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	i := 0
	for i < len(w) && i < len(g) && w[i] == g[i] {
		i++
	}
	if i == len(w) && i == len(g) {
		return ""
	}
	span := func(l []string) string {
		if i >= len(l) {
			return "(end)"
		}
		end := min(len(l), i+3)
		return abbrev(strings.Join(l[i:end], "\n"), 100)
	}
	return fmt.Sprintf("line %d: want %q, got %q", i+1, span(w), span(g))
}

// parallel runs f(0..n-1) on workers goroutines.
func parallel(n, workers int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
