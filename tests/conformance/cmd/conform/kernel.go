package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// kernelRun is the outcome of the kernel sample.
type kernelRun struct {
	sample  []*outcome
	forms   []string
	results []result // sample[i] in forms[j] is results[i*len(forms)+j]
	took    time.Duration
}

// runKernelSample runs both forms of the programs tagged conform:kernel
// (at most c.kernelSample; evenly spaced ones if none is tagged) through
// the real kernel: warren installed into a temporary
// Jupyter path, each notebook executed by `jupyter nbconvert --execute`.
// It only reads the outcomes (their programs and expected outputs), so it
// may run while `warren run` results are being filled in.
func runKernelSample(ctx context.Context, c config, warren, dir string, outs []*outcome) (kernelRun, error) {
	start := time.Now()
	k := min(c.kernelSample, len(outs))
	if out, err := exec.CommandContext(ctx, c.python, "-c", "import nbconvert, nbclient").CombinedOutput(); err != nil {
		return kernelRun{}, fmt.Errorf("%s has no nbconvert/nbclient (install python3-nbconvert python3-nbclient, or pass -python): %w: %s", c.python, err, bytes.TrimSpace(out))
	}
	jdir := filepath.Join(dir, "jupyter")
	env := append(os.Environ(),
		"JUPYTER_DATA_DIR="+filepath.Join(jdir, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(jdir, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(jdir, "runtime"),
		"JUPYTER_PLATFORM_DIRS=1",
		"IPYTHONDIR="+filepath.Join(jdir, "ipython"),
		"JUPYTER_PATH="+filepath.Join(jdir, "prefix", "share", "jupyter"),
	)
	install := exec.CommandContext(ctx, warren, "install", "--prefix", filepath.Join(jdir, "prefix"), "--name", "warren")
	install.Env = env
	if out, err := install.CombinedOutput(); err != nil {
		return kernelRun{}, fmt.Errorf("warren install --prefix: %w: %s", err, out)
	}
	var sample []*outcome
	for _, o := range outs {
		if o.p.Kernel && len(sample) < k {
			sample = append(sample, o)
		}
	}
	if len(sample) == 0 { // none tagged (e.g. with -run): evenly spaced
		for i := 0; i < k; i++ {
			sample = append(sample, outs[i*len(outs)/k])
		}
	}
	outDir := filepath.Join(dir, "kernel-out")
	forms := []string{formPaste, formCells}
	results := make([]result, len(sample)*len(forms))
	parallel(len(results), 4, func(i int) {
		o, form := sample[i/len(forms)], forms[i%len(forms)]
		nb := filepath.Join(dir, "nb", o.p.Name+"."+form+".ipynb")
		name := o.p.Name + "." + form + ".kernel"
		limit := 3*c.cellTimeout + 60*time.Second
		cctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		cmd := exec.CommandContext(cctx, c.python, "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
			"--ExecutePreprocessor.kernel_name=warren",
			fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(c.cellTimeout.Seconds())),
			"--ExecutePreprocessor.startup_timeout=60",
			"--output-dir", outDir, "--output", name, nb)
		cmd.Env = env
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		cmd.WaitDelay = 5 * time.Second
		err := cmd.Run()
		killed := cctx.Err() != nil
		got, rerr := readOutputs(filepath.Join(outDir, name+".ipynb"), form == formPaste)
		switch {
		case killed || (err != nil && strings.Contains(log.String(), "TimeoutError")):
			results[i] = result{Status: hang, Detail: "nbconvert: " + abbrev(tail(log.String(), 300), 200)}
		case err != nil || rerr != nil:
			results[i] = result{Status: failed, Broken: true, Detail: fmt.Sprintf("nbconvert failed (%v): %s", err, abbrev(tail(log.String(), 300), 200))}
		default:
			results[i] = classify(o.p, form, o.want, got, false, log.String())
		}
	})
	return kernelRun{sample: sample, forms: forms, results: results, took: time.Since(start)}, nil
}

// note stores the kernel results in the outcomes (form kernelForm(f)) and
// returns a table of them next to `warren run`'s.
func (kr kernelRun) note() string {
	status := func(r result) string {
		if r.Rerun != "" {
			return r.Status + ", main ran again"
		}
		return r.Status
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Both forms of %d programs through the real kernel (`nbconvert --execute --allow-errors`, warren installed with `warren install --prefix`), next to `warren run`'s result:\n\n", len(kr.sample))
	fmt.Fprintln(&b, "| program | category | kernel paste | warren run paste | kernel cells | warren run cells |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|")
	for i, o := range kr.sample {
		fmt.Fprintf(&b, "| `%s` | %s |", o.p.Name, o.p.Category)
		for j, form := range kr.forms {
			r := kr.results[i*len(kr.forms)+j]
			o.res[kernelForm(form)] = r
			fmt.Fprintf(&b, " %s | %s |", status(r), status(o.res[form]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// kernelForm names the result of a form run through the real kernel.
func kernelForm(form string) string { return "kernel-" + form }

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
