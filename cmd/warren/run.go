package main

// `warren run`: execute notebooks headless, in-process, with the same
// interpreter session and ray runtime the kernel uses.

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/warren-go/warren/interp"
	"github.com/warren-go/warren/parallel"
)

const runUsage = `usage: warren run [--allow-errors] [--timeout D] [-o OUT] NOTEBOOK...

Runs the code cells of each Jupyter notebook (nbformat 4) in order, in this
process, with the same Go interpreter session and ray runtime the warren
kernel uses; no Jupyter or ZeroMQ is needed. Each notebook gets a fresh
session and a fresh ray runtime, and runs with its own directory as the
working directory (as in Jupyter), so relative paths in cells resolve next
to the notebook.

Cell output is printed as it arrives: stdout/stderr streams as text, rich
results by their text/plain form (or a one-line note of their MIME types).

At the first failing cell, warren run prints the cell and its error (ename,
evalue, traceback) to stderr and exits with status 1 without running the
remaining cells or notebooks, as 'jupyter nbconvert --execute' does. Cells
tagged "raises-exception" may fail without stopping the run; cells tagged
"skip-execution" are not run. Empty code cells are skipped.

Ctrl-C interrupts the running cell and stops (status 130); a second Ctrl-C
exits at once.

Flags:
  --allow-errors  record failing cells' errors and keep going; exit 0
  --timeout D     fail a cell that runs longer than D (e.g. 2m); 0 = no limit
  -o OUT          write the executed notebook (stream, display_data,
                  execute_result with execution_count, error outputs).
                  With one notebook OUT is a file, or an existing directory.
                  With several notebooks OUT must be a directory (created if
                  missing) and each is written there under its base name.
                  The notebook is written also when a cell fails.
  -q              do not print cell output, only errors and the summary

Exit status: 0 all cells ran (or --allow-errors), 1 a cell failed,
2 usage or file errors, 130 interrupted.
`

// runCmd implements `warren run`. args excludes "run".
func runCmd(args []string) int {
	return runMainIn(args, os.Stdin, os.Stdout, os.Stderr, newChildSession)
}

// newChildSession runs the notebook's session in a child process of this
// binary, so that a Go fatal error (concurrent map writes, stack overflow,
// out of memory) is reported as the failing cell's FatalError instead of
// ending warren run with the runtime's dump.
func newChildSession() (cellSession, func(), error) {
	if !supervised {
		return newInterpSession()
	}
	argv, err := selfArgv()
	if err != nil {
		return nil, nil, err
	}
	s, err := newRemoteSession(argv, nil, os.Stderr, true)
	if err != nil {
		return nil, nil, err
	}
	return s, func() { _ = s.Close() }, nil
}

// cellSession is the part of interp.Session the runner uses.
type cellSession interface {
	Execute(ctx context.Context, cellID, code string, out interp.Output) (map[string]any, error)
}

type sessionFactory func() (cellSession, func(), error)

func newInterpSession() (cellSession, func(), error) {
	s, err := interp.New(interp.Options{})
	if err != nil {
		return nil, nil, err
	}
	registerCluster(s) // cluster_ship.go
	return s, func() {
		_ = s.Close()
		// A fresh runtime per notebook: ray.Init's options (NumCPUs) must
		// not leak from one notebook into the next, as they would not
		// across kernels.
		parallel.Shutdown()
	}, nil
}

type runOptions struct {
	allowErrors bool
	timeout     time.Duration
	out         string
	quiet       bool
	paths       []string
}

// parseRunArgs accepts flags before, between and after notebook paths.
func parseRunArgs(args []string, stderr io.Writer) (*runOptions, error) {
	o := &runOptions{}
	fs := flag.NewFlagSet("warren run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, runUsage) }
	fs.BoolVar(&o.allowErrors, "allow-errors", false, "keep going after a failing cell")
	fs.DurationVar(&o.timeout, "timeout", 0, "per-cell time limit (0: none)")
	fs.StringVar(&o.out, "o", "", "write the executed notebook(s) here")
	fs.BoolVar(&o.quiet, "q", false, "print only errors and the summary")
	rest, literal := args, []string(nil)
	for i, a := range args {
		if a == "--" {
			rest, literal = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, err
		}
		rest = fs.Args()
		if len(rest) == 0 {
			break
		}
		o.paths = append(o.paths, rest[0])
		rest = rest[1:]
	}
	o.paths = append(o.paths, literal...)
	if len(o.paths) == 0 {
		fs.Usage()
		return nil, errors.New("no notebook given")
	}
	return o, nil
}

// outputPaths decides where each executed notebook is written ("" = not written).
func outputPaths(o *runOptions) ([]string, error) {
	outs := make([]string, len(o.paths))
	if o.out == "" {
		return outs, nil
	}
	dir := false
	if fi, err := os.Stat(o.out); err == nil && fi.IsDir() {
		dir = true
	} else if len(o.paths) > 1 || strings.HasSuffix(o.out, string(os.PathSeparator)) {
		if err := os.MkdirAll(o.out, 0o755); err != nil {
			return nil, err
		}
		dir = true
	}
	seen := map[string]string{}
	for i, p := range o.paths {
		if !dir {
			outs[i] = o.out
			continue
		}
		base := filepath.Base(p)
		if prev, ok := seen[base]; ok {
			return nil, fmt.Errorf("-o %s: %s and %s would both be written as %s", o.out, prev, p, base)
		}
		seen[base] = p
		outs[i] = filepath.Join(o.out, base)
	}
	for i := range outs {
		abs, err := filepath.Abs(outs[i])
		if err != nil {
			return nil, err
		}
		outs[i] = abs
	}
	return outs, nil
}

// runMain is runCmd with its dependencies injected (for tests), without
// standard input: cells that read input get EOF.
func runMain(args []string, stdout, stderr io.Writer, newSession sessionFactory) int {
	return runMainIn(args, nil, stdout, stderr, newSession)
}

// runMainIn is runMain whose cells read lines of stdin (fmt.Scan, os.Stdin);
// nil gives them EOF.
func runMainIn(args []string, stdin io.Reader, stdout, stderr io.Writer, newSession sessionFactory) int {
	var in *lineInput
	if stdin != nil {
		in = &lineInput{r: bufio.NewReader(stdin)}
	}
	o, err := parseRunArgs(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "warren run:", err)
		return 2
	}
	outs, err := outputPaths(o)
	if err != nil {
		fmt.Fprintln(stderr, "warren run:", err)
		return 2
	}
	// Read every notebook first: a typo in the last path should not cost
	// the time of running the first ones.
	nbs := make([]*notebook, len(o.paths))
	abs := make([]string, len(o.paths))
	for i, p := range o.paths {
		if nbs[i], err = readNotebook(p); err != nil {
			fmt.Fprintln(stderr, "warren run:", err)
			return 2
		}
		if abs[i], err = filepath.Abs(p); err != nil {
			fmt.Fprintln(stderr, "warren run:", err)
			return 2
		}
	}

	intr := newInterrupter(stderr)
	defer intr.stop()

	for i, nb := range nbs {
		r := &nbRunner{
			name:        o.paths[i],
			nb:          nb,
			allowErrors: o.allowErrors,
			timeout:     o.timeout,
			stdout:      stdout,
			stderr:      stderr,
			quiet:       o.quiet,
			intr:        intr,
			stdin:       in,
		}
		status := r.run(abs[i], newSession)
		if outs[i] != "" {
			if err := writeNotebook(outs[i], nb); err != nil {
				fmt.Fprintln(stderr, "warren run:", err)
				if status == 0 {
					status = 2
				}
			}
		}
		if status != 0 {
			return status
		}
	}
	return 0
}

// interrupter routes SIGINT to the running cell.
type interrupter struct {
	mu          sync.Mutex
	cancel      context.CancelFunc
	interrupted bool
	sigs        chan os.Signal
	done        chan struct{}
}

func newInterrupter(stderr io.Writer) *interrupter {
	in := &interrupter{sigs: make(chan os.Signal, 2), done: make(chan struct{})}
	signal.Notify(in.sigs, os.Interrupt)
	go func() {
		for {
			select {
			case <-in.done:
				return
			case <-in.sigs:
			}
			in.mu.Lock()
			again := in.interrupted
			in.interrupted = true
			cancel := in.cancel
			in.mu.Unlock()
			if again {
				fmt.Fprintln(stderr, "\nwarren run: interrupted twice, exiting")
				os.Exit(130)
			}
			fmt.Fprintln(stderr, "\nwarren run: interrupting the running cell (Ctrl-C again to exit at once)")
			if cancel != nil {
				cancel()
			}
		}
	}()
	return in
}

func (in *interrupter) stop() {
	signal.Stop(in.sigs)
	close(in.done)
}

// cellContext returns the context for one cell; the interrupter cancels it.
func (in *interrupter) cellContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	var (
		ctx    context.Context
		cancel context.CancelFunc
	)
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(context.Background(), timeout)
	} else {
		ctx, cancel = context.WithCancel(context.Background())
	}
	in.mu.Lock()
	in.cancel = cancel
	if in.interrupted {
		cancel()
	}
	in.mu.Unlock()
	return ctx, func() {
		in.mu.Lock()
		in.cancel = nil
		in.mu.Unlock()
		cancel()
	}
}

func (in *interrupter) wasInterrupted() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.interrupted
}

// nbRunner executes one notebook.
type nbRunner struct {
	name        string
	nb          *notebook
	allowErrors bool
	timeout     time.Duration
	quiet       bool
	stdout      io.Writer
	stderr      io.Writer
	intr        *interrupter
	stdin       *lineInput // nil: no input

	printMu sync.Mutex // serialises terminal output across cells and tasks
}

func (r *nbRunner) run(absPath string, newSession sessionFactory) int {
	start := time.Now()
	// Run with the notebook's directory as working directory, as Jupyter
	// and nbconvert do.
	if wd, err := os.Getwd(); err == nil {
		if err := os.Chdir(filepath.Dir(absPath)); err != nil {
			fmt.Fprintln(r.stderr, "warren run:", err)
			return 2
		}
		defer os.Chdir(wd)
	}
	if k := r.nb.kernelName(); k != "" && !strings.HasPrefix(k, "warren") {
		fmt.Fprintf(r.stderr, "warren run: %s: kernelspec %q is not warren; running its cells as Go anyway\n", r.name, k)
	}
	sess, closeSession, err := newSession()
	if err != nil {
		fmt.Fprintf(r.stderr, "warren run: %s: starting the interpreter: %v\n", r.name, err)
		return 2
	}
	defer closeSession()

	for _, c := range r.nb.Cells {
		if c.Type == "code" {
			c.Outputs = nil
			c.ExecutionCount = nil
		}
	}
	count, failed := 0, 0
	for idx, c := range r.nb.Cells {
		if c.Type != "code" || strings.TrimSpace(c.Source) == "" || c.hasTag("skip-execution") {
			continue
		}
		count++
		n := count
		c.ExecutionCount = &n
		co := &cellOutput{r: r, cell: c, n: n}
		ctx, cancel := r.intr.cellContext(r.timeout)
		cellID := c.ID
		if cellID == "" {
			cellID = fmt.Sprintf("cell-%d", idx)
		}
		bundle, err := r.execute(ctx, sess, fmt.Sprintf("%s-run%d", cellID, n), c.Source, co)
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		if err == nil && len(bundle) > 0 {
			co.result(bundle)
		}
		if err == nil {
			if r.intr.wasInterrupted() {
				fmt.Fprintf(r.stderr, "warren run: %s: interrupted\n", r.name)
				return 130
			}
			continue
		}
		ename, evalue, tb := errorParts(err)
		if timedOut {
			ename, evalue = "CellTimeoutError", fmt.Sprintf("the cell ran longer than --timeout %v: %s", r.timeout, evalue)
		}
		co.add(map[string]any{
			"output_type": "error",
			"ename":       ename,
			"evalue":      evalue,
			"traceback":   tb,
		})
		if r.intr.wasInterrupted() {
			r.reportError(c, n, ename, evalue, tb)
			fmt.Fprintf(r.stderr, "warren run: %s: interrupted\n", r.name)
			return 130
		}
		if r.allowErrors || c.hasTag("raises-exception") {
			if !r.quiet {
				r.printMu.Lock()
				co.header()
				fmt.Fprintf(r.stdout, "%s: %s\n", ename, evalue)
				r.printMu.Unlock()
			}
			failed++
			continue
		}
		r.reportError(c, n, ename, evalue, tb)
		fmt.Fprintf(r.stderr, "warren run: %s: cell %d failed after %.1fs\n", r.name, n, time.Since(start).Seconds())
		return 1
	}
	msg := ""
	if failed > 0 {
		msg = fmt.Sprintf(", %d with errors", failed)
	}
	fmt.Fprintf(r.stderr, "warren run: %s: %d cells ran in %.1fs%s\n", r.name, count, time.Since(start).Seconds(), msg)
	return 0
}

// execute runs one cell, turning a panic escaping the session into an error.
func (r *nbRunner) execute(ctx context.Context, sess cellSession, id, code string, out interp.Output) (bundle map[string]any, err error) {
	defer func() {
		if p := recover(); p != nil {
			bundle, err = nil, &interp.Error{Name: "InternalError", Value: fmt.Sprint(p)}
		}
	}()
	return sess.Execute(ctx, id, code, out)
}

func errorParts(err error) (ename, evalue string, tb []string) {
	var ie *interp.Error
	if errors.As(err, &ie) {
		tb = ie.Traceback
		if tb == nil {
			tb = []string{}
		}
		return ie.Name, ie.Value, tb
	}
	return "Error", err.Error(), []string{}
}

// reportError prints a failing cell like nbconvert's CellExecutionError.
func (r *nbRunner) reportError(c *nbCell, n int, ename, evalue string, tb []string) {
	r.printMu.Lock()
	defer r.printMu.Unlock()
	w := r.stderr
	fmt.Fprintf(w, "\nAn error occurred while executing the following cell (%s, In [%d]):\n", r.name, n)
	fmt.Fprintln(w, "------------------")
	fmt.Fprintln(w, strings.TrimRight(c.Source, "\n"))
	fmt.Fprintln(w, "------------------")
	fmt.Fprintln(w)
	// Like nbconvert: the traceback, which normally ends with the
	// "ename: evalue" line; that line alone when the traceback lacks it.
	last := ename + ": " + evalue
	shown := false
	for _, l := range tb {
		l = strings.TrimRight(l, "\n")
		fmt.Fprintln(w, l)
		shown = shown || strings.Contains(stripANSI(l), last)
	}
	if !shown {
		fmt.Fprintln(w, last)
	}
	fmt.Fprintln(w)
}
