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

// runKernelSample runs the cells form of an evenly spaced sample of the
// programs through the real kernel: warren installed into a temporary
// Jupyter path, each notebook executed by `jupyter nbconvert --execute`.
// Results are stored under the form "kernel"; the note summarises them.
func runKernelSample(ctx context.Context, c config, warren, dir string, outs []*outcome) (string, error) {
	k := min(c.kernelSample, len(outs))
	if out, err := exec.CommandContext(ctx, c.python, "-c", "import nbconvert, nbclient").CombinedOutput(); err != nil {
		return "", fmt.Errorf("%s has no nbconvert/nbclient (install python3-nbconvert python3-nbclient, or pass -python): %w: %s", c.python, err, bytes.TrimSpace(out))
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
		return "", fmt.Errorf("warren install --prefix: %w: %s", err, out)
	}
	sample := make([]*outcome, k)
	for i := range sample {
		sample[i] = outs[i*len(outs)/k]
	}
	outDir := filepath.Join(dir, "kernel-out")
	results := make([]result, k)
	parallel(k, 3, func(i int) {
		o := sample[i]
		nb := filepath.Join(dir, "nb", o.p.Name+"."+formCells+".ipynb")
		limit := 3*c.cellTimeout + 60*time.Second
		cctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		cmd := exec.CommandContext(cctx, c.python, "-m", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
			"--ExecutePreprocessor.kernel_name=warren",
			fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(c.cellTimeout.Seconds())),
			"--ExecutePreprocessor.startup_timeout=60",
			"--output-dir", outDir, "--output", o.p.Name+".kernel", nb)
		cmd.Env = env
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		cmd.WaitDelay = 5 * time.Second
		err := cmd.Run()
		killed := cctx.Err() != nil
		got, rerr := readOutputs(filepath.Join(outDir, o.p.Name+".kernel.ipynb"), false)
		switch {
		case killed || (err != nil && strings.Contains(log.String(), "CellTimeoutError")) || (err != nil && strings.Contains(log.String(), "TimeoutError")):
			results[i] = result{Status: hang, Detail: "nbconvert: " + abbrev(tail(log.String(), 300), 200)}
		case err != nil || rerr != nil:
			results[i] = result{Status: failed, Broken: true, Detail: fmt.Sprintf("nbconvert failed (%v): %s", err, abbrev(tail(log.String(), 300), 200))}
		default:
			results[i] = classify(o.p, formCells, o.want, got, false, log.String())
		}
	})
	var b strings.Builder
	fmt.Fprintf(&b, "The cells form of %d programs through the real kernel (`nbconvert --execute --allow-errors`, warren installed with `warren install --prefix`):\n\n", k)
	fmt.Fprintln(&b, "| program | category | kernel | warren run (cells) |")
	fmt.Fprintln(&b, "|---|---|---|---|")
	for i, o := range sample {
		o.res["kernel"] = results[i]
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", o.p.Name, o.p.Category, results[i].Status, o.res[formCells].Status)
	}
	return b.String(), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
