package native

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"plugin"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
)

// ModulePath is the module path of every workspace: packages built in it
// have import paths under it.
const ModulePath = "warren.native"

// ErrUnsupported is returned (wrapped) on platforms or builds where plugins
// cannot be loaded.
var ErrUnsupported = errors.New("native code is not supported here")

// ErrNoGo is returned (wrapped) when no Go toolchain can be run.
var ErrNoGo = errors.New("no Go toolchain")

// Options configures a Workspace. The zero value works.
type Options struct {
	// Dir is the workspace directory; empty means
	// os.UserCacheDir()/warren/native/<identity key>.
	Dir string
	// Go is the go command; empty means "go" looked up on PATH.
	Go string
}

// A Workspace is a Go module pinned to a program's build identity, in
// which packages are built as plugins that the program can load. Its
// methods are safe for concurrent use; go commands run one at a time.
type Workspace struct {
	id   *Identity
	dir  string
	goc  string
	mu   sync.Mutex // serializes go commands and go.mod edits in this process (see lock)
	goOK bool       // the toolchain was checked
	// imported is the module@version each package ImportPackage loaded
	// was built from.
	imported map[string]string
}

// Open returns the workspace for id, creating its directory and go.mod
// when missing. It does not run the go command.
func Open(id *Identity, opts Options) (*Workspace, error) {
	if err := supported(id); err != nil {
		return nil, err
	}
	dir := opts.Dir
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, fmt.Errorf("native: no cache directory for the workspace: %w", err)
		}
		dir = filepath.Join(cache, "warren", "native", id.Key())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("native: workspace: %w", err)
	}
	w := &Workspace{id: id, dir: dir, goc: opts.Go}
	if w.goc == "" {
		w.goc = "go"
	}
	removeStale(filepath.Join(dir, "s"), 7*24*time.Hour)
	gomod := filepath.Join(dir, "go.mod")
	if _, err := os.Stat(gomod); errors.Is(err, os.ErrNotExist) {
		if err := os.WriteFile(gomod, []byte(id.goMod(ModulePath)), 0o644); err != nil {
			return nil, fmt.Errorf("native: workspace: %w", err)
		}
	}
	return w, nil
}

// removeStale removes the subdirectories of dir not modified for age:
// sources of sessions whose kernel ended without cleaning up.
func removeStale(dir string, age time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && e.IsDir() && time.Since(fi.ModTime()) > age {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// supported reports whether plugins built for id can load here.
func supported(id *Identity) error {
	switch runtime.GOOS {
	case "linux", "darwin", "freebsd":
	default:
		return fmt.Errorf("%w: Go plugins work only on Linux, macOS and FreeBSD, not %s; cells run interpreted", ErrUnsupported, runtime.GOOS)
	}
	for _, e := range id.Env {
		if e == "CGO_ENABLED=0" {
			return fmt.Errorf("%w: warren was built with CGO_ENABLED=0 and Go plugins need cgo; rebuild it with CGO_ENABLED=1 (make build does)", ErrUnsupported)
		}
	}
	return nil
}

// Dir returns the workspace directory.
func (w *Workspace) Dir() string { return w.dir }

// Identity returns the build identity the workspace is pinned to.
func (w *Workspace) Identity() *Identity { return w.id }

// env is the environment of go commands in the workspace.
func (w *Workspace) env() []string {
	flags := strings.TrimSpace(os.Getenv("GOFLAGS") + " -mod=mod -buildvcs=false")
	env := append(os.Environ(), "GOTOOLCHAIN=local", "GOWORK=off", "GOFLAGS="+flags)
	return append(env, w.id.Env...)
}

// run runs the go command with args in the workspace; stderr also goes
// to progress when it is not nil. The caller holds the workspace lock (lock).
func (w *Workspace) run(ctx context.Context, progress io.Writer, args ...string) ([]byte, error) {
	return w.runEnv(ctx, progress, nil, args...)
}

// runEnv is run with env added to the go command's environment.
func (w *Workspace) runEnv(ctx context.Context, progress io.Writer, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, w.goc, args...)
	cmd.Dir = w.dir
	cmd.Env = append(w.env(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if progress != nil {
		cmd.Stderr = io.MultiWriter(&stderr, progress)
	}
	err := cmd.Run()
	if err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%w: cannot run %q (%v); install Go %s and put its bin directory on PATH", ErrNoGo, w.goc, ee.Err, strings.TrimPrefix(w.id.GoVersion, "go"))
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return stdout.Bytes(), &CommandError{Args: args, Output: strings.TrimSpace(stderr.String()), Err: err}
	}
	return stdout.Bytes(), nil
}

// A CommandError is a go command that failed.
type CommandError struct {
	Args   []string
	Output string // its standard error
	Err    error
}

// Error returns the command and its output.
func (e *CommandError) Error() string {
	return fmt.Sprintf("go %s: %v\n%s", strings.Join(e.Args, " "), e.Err, e.Output)
}

// Unwrap returns the exec error.
func (e *CommandError) Unwrap() error { return e.Err }

// checkGo verifies once that the go command is the kernel's toolchain.
// The caller holds the workspace lock (lock).
func (w *Workspace) checkGo(ctx context.Context) error {
	if w.goOK {
		return nil
	}
	out, err := w.run(ctx, nil, "env", "GOVERSION")
	if err != nil {
		return err
	}
	if v := strings.TrimSpace(string(out)); v != w.id.GoVersion {
		return fmt.Errorf("native: toolchain mismatch: warren was built with %s but %q is %s; plugins must be built by the same toolchain: put Go %s first on PATH, or rebuild warren with this one (make build)",
			w.id.GoVersion, w.goc, v, strings.TrimPrefix(w.id.GoVersion, "go"))
	}
	w.goOK = true
	return nil
}

// WriteFiles writes files (name → content) into the package directory rel
// (slash-separated, relative to the workspace), replacing what was there,
// and returns the package's import path.
func (w *Workspace) WriteFiles(rel string, files map[string][]byte) (string, error) {
	dir := filepath.Join(w.dir, filepath.FromSlash(rel))
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("native: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("native: %w", err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return "", fmt.Errorf("native: %w", err)
		}
	}
	return ModulePath + "/" + rel, nil
}

// RemoveAll removes the directory rel of the workspace.
func (w *Workspace) RemoveAll(rel string) error {
	return os.RemoveAll(filepath.Join(w.dir, filepath.FromSlash(rel)))
}

// BuildOptions configures BuildPlugin.
type BuildOptions struct {
	// CellPrefix, when not empty, is an import path prefix: the packages
	// under it are compiled as notebook cells. The compiler sees them as
	// package main whatever their package clauses say, so that their
	// types print as main.T (as in `go run`) while other packages of the
	// plugin can still import them; and their go statements, os.Exit,
	// log.Fatal* and (*log.Logger).Fatal* calls go through package cellrt
	// (CellrtPath; a cell package must import it, as Cell.Files does), so
	// that the program loading the plugin decides what a goroutine's
	// panic or an exit does. The go command does this through the
	// workspace's -toolexec program (github.com/warren-go/warren/native/toolexec),
	// built on first use.
	CellPrefix string
}

// BuildPlugin builds the main package in directory rel into a plugin file
// and returns its path. A compile error is a *CommandError whose Output
// holds the compiler's messages.
func (w *Workspace) BuildPlugin(ctx context.Context, rel string, opts BuildOptions) (string, error) {
	defer w.lock()()
	if err := w.checkGo(ctx); err != nil {
		return "", err
	}
	out := filepath.Join(w.dir, filepath.FromSlash(rel)) + ".so"
	args := w.pluginFlags()
	var env []string
	if opts.CellPrefix != "" {
		te, err := w.toolexec(ctx)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(te, " \t") {
			te = `"` + te + `"` // the go command splits the flag's value at spaces, honouring quotes
		}
		args = append(args, "-toolexec", te)
		env = append(env, toolexecEnv+"="+opts.CellPrefix)
	}
	args = append(args, "-o", out, "./"+rel)
	if _, err := w.runEnv(ctx, nil, env, args...); err != nil {
		return "", err
	}
	return out, nil
}

// toolexecEnv is the environment variable the toolexec program reads
// (its EnvPrefix).
const toolexecEnv = "WARREN_CELL_PREFIX"

// toolexecPkg is the import path of the toolexec program.
const toolexecPkg = "github.com/warren-go/warren/native/toolexec"

// toolexec returns the path of the workspace's toolexec program, building
// it when the workspace has none. The caller holds the workspace lock (lock).
func (w *Workspace) toolexec(ctx context.Context) (string, error) {
	exe := filepath.Join(w.dir, "bin", "toolexec")
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	}
	if err := os.MkdirAll(filepath.Dir(exe), 0o755); err != nil {
		return "", fmt.Errorf("native: %w", err)
	}
	// Built under a temporary name and renamed, so that kernels sharing
	// the workspace never run a half-written program.
	tmp := fmt.Sprintf("%s.%d.tmp", exe, os.Getpid())
	if _, err := w.run(ctx, nil, "build", "-o", tmp, toolexecPkg); err != nil {
		return "", fmt.Errorf("native: building the toolexec program: %w", err)
	}
	if err := os.Rename(tmp, exe); err != nil {
		return "", fmt.Errorf("native: %w", err)
	}
	return exe, nil
}

// pluginFlags are the go build arguments for a plugin: the kernel's flags,
// and no symbol table or DWARF (the link is ~40% faster; stack traces keep
// their files and lines, and plugin symbols are looked up in the dynamic
// symbol table).
func (w *Workspace) pluginFlags() []string {
	return append([]string{"build", "-buildmode=plugin", "-ldflags=-s -w"}, w.id.BuildFlags...)
}

// differentPkg matches the runtime's refusal to load a plugin.
var differentPkg = regexp.MustCompile(`plugin was built with a different version of package (\S+)`)

// Load opens the plugin file at path. A plugin built against different
// versions of packages the program already has is refused; the error says
// which package and what to do.
func (w *Workspace) Load(path string) (*plugin.Plugin, error) {
	p, err := plugin.Open(path)
	if err == nil {
		return p, nil
	}
	m := differentPkg.FindStringSubmatch(err.Error())
	if m == nil {
		return nil, fmt.Errorf("native: loading %s: %w", filepath.Base(path), err)
	}
	return nil, &MismatchError{Package: m[1], Advice: w.advice(m[1]), Err: err}
}

// A MismatchError is a plugin that shares a package with the program but
// was built from a different version of it.
type MismatchError struct {
	Package string // import path of the package that differs
	Advice  string // what to do about it
	Err     error  // the error of plugin.Open
}

// Error says which package differs and what to do.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("the plugin was built with a different version of package %s than this kernel: %s", e.Package, e.Advice)
}

// Unwrap returns the error of plugin.Open.
func (e *MismatchError) Unwrap() error { return e.Err }

func (w *Workspace) advice(pkg string) string {
	id := w.id
	if pkg == id.MainPath || strings.HasPrefix(pkg, id.MainPath+"/") {
		if id.SourceDir != "" {
			return fmt.Sprintf("warren's source in %s changed since this kernel was built; rebuild warren (make build) and restart the kernel", id.SourceDir)
		}
		return "the workspace does not match this warren release; delete " + w.dir + " and restart the kernel"
	}
	for _, d := range id.Deps {
		if pkg == d.Path || strings.HasPrefix(pkg, d.Path+"/") {
			return fmt.Sprintf("the kernel links %s %s, but a module fetched into the workspace needs another version of it; use a version of that module compatible with %s %s, or add it to warren's go.mod and rebuild warren", d.Path, d.Version, d.Path, d.Version)
		}
	}
	if !strings.Contains(strings.SplitN(pkg, "/", 2)[0], ".") {
		return fmt.Sprintf("the standard library differs: the kernel was built by %s with flags %v; build plugins with the same toolchain and flags (put that Go on PATH, or rebuild warren with `make build`) and restart the kernel", id.GoVersion, id.BuildFlags)
	}
	return "rebuild warren (make build) and restart the kernel"
}
