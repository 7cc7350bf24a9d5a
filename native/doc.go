// Package native builds Go source into plugins that the running program can
// load: warren's native tier, behind `%%native` cells and `%go get`.
//
// A Workspace is a Go module in the user's cache directory
// (os.UserCacheDir()/warren/native/<key>), pinned to the Identity of the
// running program as runtime/debug.ReadBuildInfo reports it: the same Go
// version, the same version of every dependency, the main module replaced
// by the checkout it was built from (or required at its released version),
// and the build flags that change compiled packages (-race, -trimpath,
// -tags, -gcflags, CGO_ENABLED, GOAMD64…). A plugin loads only if every
// package it shares with the program is identical, so this pinning is what
// makes loading work; when it fails anyway, Load says which package differs
// and what to do. The key names the identity, so a rebuilt program, another
// toolchain or other flags get a fresh workspace, while builds of fetched
// modules are reused across restarts of the same program.
//
// ImportPackage fetches a module with `go get`, writes a package's symbol
// table with yaegi's extract package (github.com/traefik/yaegi/extract,
// run as a small program in the workspace), builds it as a plugin and
// loads it. BuildPlugin builds any main package written into the workspace;
// ParseCell turns a notebook cell into a package such a main package
// imports. With BuildOptions.CellPrefix, cell packages are compiled as
// package main (so their types print as main.T) and their go statements,
// os.Exit and log.Fatal calls are routed to package cellrt, whose hooks the
// loading program sets: both done by the workspace's -toolexec program,
// package native/toolexec.
//
// Plugins cannot be unloaded: every plugin loaded stays in memory until the
// process exits. Plugins need cgo, and exist only on Linux, macOS and
// FreeBSD (ErrUnsupported elsewhere). This package runs the go command
// found on PATH (ErrNoGo when there is none). It knows nothing of Jupyter,
// ZeroMQ or the interpreter.
package native
