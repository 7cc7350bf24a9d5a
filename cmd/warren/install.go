package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
)

// kernelSpec is the content of a kernelspec's kernel.json.
type kernelSpec struct {
	Argv          []string       `json:"argv"`
	DisplayName   string         `json:"display_name"`
	Language      string         `json:"language"`
	InterruptMode string         `json:"interrupt_mode"`
	Metadata      map[string]any `json:"metadata,omitempty"`
}

// newKernelSpec returns the kernelspec that starts binary.
func newKernelSpec(binary string) kernelSpec {
	return kernelSpec{
		Argv:          []string{binary, "kernel", "--connection-file", "{connection_file}"},
		DisplayName:   "Go (warren)",
		Language:      "go",
		InterruptMode: "message",
		// JupyterLab offers its debugger for kernels whose spec says so.
		Metadata: map[string]any{"debugger": true},
	}
}

// validKernelName is what jupyter_client accepts as a kernel name.
var validKernelName = regexp.MustCompile(`^[a-zA-Z0-9._-]+$`)

// installCmd implements `warren install`.
func installCmd(args []string, stdout, stderr io.Writer) int {
	fset := flag.NewFlagSet("warren install", flag.ContinueOnError)
	fset.SetOutput(stderr)
	user := fset.Bool("user", false, "install for the current user (default)")
	sysPrefix := fset.Bool("sys-prefix", false, "install into the Python environment's prefix (sys.prefix)")
	prefix := fset.String("prefix", "", "install into `DIR`/share/jupyter/kernels")
	name := fset.String("name", "warren", "kernelspec `name`")
	if err := fset.Parse(args); err != nil {
		return 2
	}
	if fset.NArg() > 0 {
		fmt.Fprintf(stderr, "warren install: unexpected argument %q\n", fset.Arg(0))
		return 2
	}
	n := 0
	for _, set := range []bool{*user, *sysPrefix, *prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		fmt.Fprintln(stderr, "warren install: choose one of --user, --sys-prefix, --prefix DIR")
		return 2
	}
	if !validKernelName.MatchString(*name) {
		fmt.Fprintf(stderr, "warren install: invalid kernel name %q (letters, digits, '.', '_', '-')\n", *name)
		return 2
	}

	var kernelsDir string
	switch {
	case *prefix != "":
		p, err := filepath.Abs(*prefix)
		if err != nil {
			fmt.Fprintf(stderr, "warren install: %v\n", err)
			return 1
		}
		kernelsDir = filepath.Join(p, "share", "jupyter", "kernels")
	case *sysPrefix:
		p, err := pythonSysPrefix()
		if err != nil {
			fmt.Fprintf(stderr, "warren install: --sys-prefix: %v\n", err)
			return 1
		}
		kernelsDir = filepath.Join(p, "share", "jupyter", "kernels")
	default:
		d, err := jupyterDataDir()
		if err != nil {
			fmt.Fprintf(stderr, "warren install: %v\n", err)
			return 1
		}
		kernelsDir = filepath.Join(d, "kernels")
	}

	binary, err := executablePath()
	if err != nil {
		fmt.Fprintf(stderr, "warren install: cannot find the warren binary: %v\n", err)
		return 1
	}
	dir := filepath.Join(kernelsDir, *name)
	if err := writeKernelSpec(dir, binary); err != nil {
		fmt.Fprintf(stderr, "warren install: %v\n", err)
		if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
			fmt.Fprintf(stderr, "warren install: %s is not writable by this user; install elsewhere with --prefix DIR, --user (the default; honours JUPYTER_DATA_DIR), or run with the needed permissions\n", kernelsDir)
		}
		return 1
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", *name, dir)
	return 0
}

// writeKernelSpec writes kernel.json and the logos into dir.
func writeKernelSpec(dir, binary string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("cannot create kernelspec directory: %w", err)
	}
	spec, err := json.MarshalIndent(newKernelSpec(binary), "", "  ")
	if err != nil {
		return fmt.Errorf("encode kernel.json: %w", err)
	}
	files := map[string][]byte{"kernel.json": append(spec, '\n')}
	for _, size := range []int{32, 64} {
		png, err := logoPNG(size)
		if err != nil {
			return fmt.Errorf("draw logo: %w", err)
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("cannot write kernelspec: %w", err)
		}
	}
	return nil
}

// executablePath is the absolute, symlink-free path of this binary.
func executablePath() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("locate executable: %w", err)
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		p = r
	}
	return filepath.Abs(p)
}

// jupyterDataDir mirrors jupyter_core.paths.jupyter_data_dir: JUPYTER_DATA_DIR,
// else the per-user data directory of the platform.
func jupyterDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no home directory for a user install: %w", err)
	}
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if a := os.Getenv("APPDATA"); a != "" {
			return filepath.Join(a, "jupyter"), nil
		}
		return filepath.Join(home, ".jupyter", "data"), nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter"), nil
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// pythonSysPrefix finds the prefix of the active Python environment:
// VIRTUAL_ENV or CONDA_PREFIX, else python3's sys.prefix.
func pythonSysPrefix() (string, error) {
	for _, v := range []string{"VIRTUAL_ENV", "CONDA_PREFIX"} {
		if p := os.Getenv(v); p != "" {
			return p, nil
		}
	}
	out, err := exec.Command("python3", "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("ask python3 for sys.prefix: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}
