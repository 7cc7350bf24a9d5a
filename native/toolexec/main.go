// Command toolexec is the -toolexec program of warren's native cell builds
// (see package native, BuildOptions.CellPrefix); it is built into the
// native workspace and is not meant to be run by hand.
//
// It runs each Go tool the go command invokes as it is, except the
// compiler for packages whose import paths start with $WARREN_CELL_PREFIX,
// the packages of notebook cells. For those it hands the compiler
// rewritten copies of the sources:
//
//   - The package clause says main, so that the cell's types print as
//     main.T, as in `go run`, while the package keeps its own import path:
//     the go command refuses to import a package named main, but the
//     compiler accepts it at any import path other than "main".
//   - go statements, os.Exit, log.Fatal* and (*log.Logger).Fatal* go
//     through package cellrt (rewriteCell, with the package type-checked
//     against the export data the compiler gets), so that a goroutine's
//     panic or an exit does not end the kernel.
//
// A package named main that is compiled for dynamic linking gets a plugin
// symbol table (the symbols go:plugin.tabs and go:plugin.exports): the
// table plugin.Open reads. Every cell package in the link would then
// define them and one of them, not the plugin's own main package, would
// win; so in the compiled object of each cell package those two symbols
// are renamed (their names in the object's string table, same length). An
// object format this program does not know is an error, never a silent
// miscompile.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// EnvPrefix is the environment variable naming the import path prefix of
// the packages to compile as package main.
const EnvPrefix = "WARREN_CELL_PREFIX"

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "toolexec: usage: toolexec TOOL [ARG…] (run by go build -toolexec)")
		os.Exit(2)
	}
	tool, args := os.Args[1], os.Args[2:]
	out := ""
	if prefix := os.Getenv(EnvPrefix); prefix != "" && isCompile(tool) {
		if p := flagValue(args, "-p"); strings.HasPrefix(p, prefix) {
			out = flagValue(args, "-o")
			if out == "" {
				fatal(fmt.Errorf("compiling %s: no -o flag", p))
			}
			var err error
			args, err = mainSources(args, filepath.Join(filepath.Dir(out), "warren-main"))
			if err != nil {
				fatal(fmt.Errorf("compiling %s as package main: %w", p, err))
			}
		}
	}
	cmd := exec.Command(tool, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() > 0 {
			os.Exit(ee.ExitCode())
		}
		fatal(err)
	}
	if out != "" {
		if err := renamePluginTable(out); err != nil {
			fatal(err)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "warren toolexec:", err)
	os.Exit(1)
}

// isCompile reports whether tool is the Go compiler.
func isCompile(tool string) bool {
	base := strings.TrimSuffix(filepath.Base(tool), ".exe")
	return base == "compile"
}

// flagValue returns the value of the flag name in args ("-p path"), or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}
