package native

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
)

// sourceDir is the directory of the warren checkout the binary was built
// from; `make build` sets it with -ldflags "-X
// github.com/warren-go/warren/native.sourceDir=DIR". When it is empty, the
// source file path recorded by the compiler is used (absent with -trimpath).
var sourceDir string

// A Module is one module of the kernel's build.
type Module struct {
	Path    string
	Version string
	// Replace is the replacement directory or module (path@version) when
	// the kernel's build replaced the module, else empty.
	Replace string
}

// An Identity is how the running program was built: what a plugin must
// match to load into it.
type Identity struct {
	GoVersion   string   // runtime.Version()
	MainPath    string   // the main module's path, e.g. github.com/warren-go/warren
	MainVersion string   // its version, "(devel)" for a checkout build
	SourceDir   string   // the checkout the main module was built from ("" for a released version)
	Deps        []Module // every dependency linked in, with its version
	BuildFlags  []string // go build flags that change compiled packages (-race, -trimpath, -tags, -gcflags)
	Env         []string // environment that changes compiled packages (CGO_ENABLED, GOAMD64, GOEXPERIMENT, …)
	exe         string   // fingerprint of the executable, for the cache key
}

// CurrentIdentity returns the build identity of the running program.
func CurrentIdentity() (*Identity, error) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return nil, errors.New("native: the program has no build information (built without module support)")
	}
	id := &Identity{GoVersion: runtime.Version(), MainPath: bi.Main.Path, MainVersion: bi.Main.Version}
	if id.MainPath == "" {
		return nil, errors.New("native: the program's build information names no main module")
	}
	for _, d := range bi.Deps {
		m := Module{Path: d.Path, Version: d.Version}
		if d.Replace != nil {
			if d.Replace.Version != "" {
				m.Replace = d.Replace.Path + "@" + d.Replace.Version
			} else {
				m.Replace = d.Replace.Path
			}
		}
		id.Deps = append(id.Deps, m)
	}
	sort.Slice(id.Deps, func(i, j int) bool { return id.Deps[i].Path < id.Deps[j].Path })
	cgo := ""
	for _, s := range bi.Settings {
		switch s.Key {
		case "-race", "-msan", "-asan", "-trimpath":
			if s.Value == "true" {
				id.BuildFlags = append(id.BuildFlags, s.Key)
			}
		case "-tags", "-gcflags":
			id.BuildFlags = append(id.BuildFlags, s.Key+"="+s.Value)
		case "CGO_ENABLED":
			cgo = s.Value
		case "CGO_CFLAGS", "CGO_CPPFLAGS", "CGO_CXXFLAGS", "CGO_LDFLAGS", "GOEXPERIMENT", "GOARCH", "GOOS",
			"GO386", "GOAMD64", "GOARM", "GOARM64", "GOMIPS", "GOMIPS64", "GOPPC64", "GORISCV64", "GOWASM":
			id.Env = append(id.Env, s.Key+"="+s.Value)
		}
	}
	id.Env = append(id.Env, "CGO_ENABLED="+cgo)
	// The source the program was built from, when it can be found, is
	// used as it is (a checkout, or the module cache of go install without
	// -trimpath); otherwise a released version is required from the proxy.
	// Go stamps checkout builds with VCS pseudo-versions too, so a version
	// alone does not mean a release.
	dir, err := checkoutDir(id.MainPath)
	switch {
	case err == nil:
		id.SourceDir = dir
	case id.MainVersion == "" || id.MainVersion == "(devel)" || strings.HasSuffix(id.MainVersion, "+dirty"):
		return nil, err
	}
	if exe, err := os.Executable(); err == nil {
		if fi, err := os.Stat(exe); err == nil {
			id.exe = fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
		}
	}
	return id, nil
}

// checkoutDir finds the source of a checkout build of the main module.
func checkoutDir(mainPath string) (string, error) {
	dir := sourceDir
	if dir == "" {
		if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
			dir = filepath.Dir(filepath.Dir(file))
		}
	}
	if dir == "" {
		return "", fmt.Errorf("native: cannot find the source of %s this binary was built from (built with -trimpath and without -ldflags -X %s/native.sourceDir=DIR); build it with `make build` or install a released version with go install", mainPath, mainPath)
	}
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("native: the warren source this binary was built from is gone: %w; rebuild warren (make build) from a checkout", err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	if strings.TrimSpace(strings.TrimPrefix(first, "module")) != mainPath {
		return "", fmt.Errorf("native: %s holds module %q, not %s; rebuild warren (make build) from its checkout", dir, strings.TrimSpace(first), mainPath)
	}
	return dir, nil
}

// Key is a short hash naming the identity: workspaces and cached builds
// are kept per key, so a rebuilt kernel or another toolchain starts afresh.
func (id *Identity) Key() string {
	h := sha256.New()
	fmt.Fprintln(h, id.GoVersion, id.MainPath, id.MainVersion, id.SourceDir, id.exe)
	for _, d := range id.Deps {
		fmt.Fprintln(h, d.Path, d.Version, d.Replace)
	}
	fmt.Fprintln(h, id.BuildFlags, id.Env)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// goMod returns the workspace's go.mod: module path mod, pinned to every
// module of the identity.
func (id *Identity) goMod(mod string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "module %s\n\ngo %s\n\nrequire (\n", mod, strings.TrimPrefix(goLine(id.GoVersion), "go"))
	mainVersion := id.MainVersion
	if id.SourceDir != "" {
		mainVersion = "v0.0.0-00010101000000-000000000000"
	}
	fmt.Fprintf(&b, "\t%s %s\n", id.MainPath, mainVersion)
	for _, d := range id.Deps {
		fmt.Fprintf(&b, "\t%s %s\n", d.Path, d.Version)
	}
	b.WriteString(")\n")
	if id.SourceDir != "" {
		fmt.Fprintf(&b, "\nreplace %s => %s\n", id.MainPath, id.SourceDir)
	}
	for _, d := range id.Deps {
		if d.Replace != "" {
			fmt.Fprintf(&b, "\nreplace %s => %s\n", d.Path, strings.Replace(d.Replace, "@", " ", 1))
		}
	}
	return b.String()
}

// goLine turns "go1.26.8" into "go1.26.8" and "devel …" into "go1.26".
func goLine(v string) string {
	if strings.HasPrefix(v, "go") {
		if i := strings.IndexAny(v, " -+"); i > 0 {
			return v[:i]
		}
		return v
	}
	return "go1.26"
}
