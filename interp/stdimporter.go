package interp

import (
	"go/importer"
	"go/token"
	"go/types"
	"os/exec"
	"path"
	"strings"
	"sync"
)

// stdImporter gives go/types the real standard-library packages, from the
// Go toolchain's export data (`go list -export`, through go/importer), when
// a `go` command is on PATH; any other import, or any failure, is an empty
// package as with emptyImporter. Packages are cached for the session. It is
// used only where the empty packages leave a rewrite without the type it
// needs: ranges over values of package types (iter.Seq from slices.Values,
// strings.SplitSeq, maps.Keys).
type stdImporter struct {
	once  sync.Once
	gc    types.Importer // nil without a go command
	mu    sync.Mutex
	cache map[string]*types.Package
}

func (si *stdImporter) Import(p string) (*types.Package, error) {
	si.once.Do(func() {
		if _, err := exec.LookPath("go"); err == nil {
			si.gc = importer.ForCompiler(token.NewFileSet(), "gc", nil)
		}
	})
	si.mu.Lock()
	defer si.mu.Unlock()
	if pkg, ok := si.cache[p]; ok {
		return pkg, nil
	}
	var pkg *types.Package
	if first, _, _ := strings.Cut(p, "/"); si.gc != nil && !strings.Contains(first, ".") {
		pkg, _ = si.gc.Import(p)
	}
	if pkg == nil {
		pkg = types.NewPackage(p, path.Base(p))
		pkg.MarkComplete()
	}
	if si.cache == nil {
		si.cache = map[string]*types.Package{}
	}
	si.cache[p] = pkg
	return pkg, nil
}
