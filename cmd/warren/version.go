package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is warren's version; release builds set it with
// -ldflags "-X main.version=v1.2.3".
var version = "0.1.0-dev"

// warrenVersion returns version, or the module version when the binary was
// built by `go install module@version`.
func warrenVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && version == "0.1.0-dev" {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
	}
	return version
}

// versionString is what `warren version` prints.
func versionString() string {
	yaegi := "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/traefik/yaegi" {
				yaegi = d.Version
			}
		}
	}
	return fmt.Sprintf("warren %s (%s, yaegi %s, %s/%s)", warrenVersion(), runtime.Version(), yaegi, runtime.GOOS, runtime.GOARCH)
}
