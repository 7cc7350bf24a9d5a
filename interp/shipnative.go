package interp

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unsafe"

	"github.com/warren-go/warren/native"
)

// Native cells and modules on cluster workers (see ship.go). Two more
// kinds of logged unit:
//
//   - a module unit, whose source is "%go get MODULE@VERSION": the exact
//     version the session's native workspace built a package of a module
//     with (a %go get, or an import fetched automatically). An import of
//     such a package needs its module unit; a worker runs the go get in
//     its own workspace before it replays the import.
//   - a native unit: a %%native cell as the session built it, with a
//     header naming the native cells it dot-imports (by hash) and the
//     modules it was built with:
//
//     //warren:native cell N
//     //warren:dot HASH
//     //warren:get MODULE@VERSION
//     CODE (the cell, its %%native line blanked)
//
//     A worker builds it through the same native workspace path as a
//     kernel (runNative; the same warren binary has the same workspace,
//     so the go build cache serves it after the first time) and binds its
//     names, but does not run its statements: as for interpreted cells,
//     statements ran in the driver only. Its names are then names of the
//     worker's session, for the function looked up and for interpreted
//     units that use them.
//
// A native cell's variables do not travel either: a function that uses
// one (directly, through the functions and types of its cell, or through
// an earlier native cell) is refused at submit, as one using an
// interpreted cell's variable is. A native cell is rebuilt whole, so all
// of its names must still be the session's: a function of a native cell
// one of whose names a later cell declared again is refused, saying to
// run the cell again.

const (
	unitModule unitKind = unitLit + 1 + iota // "%go get MODULE@VERSION"
	unitNative                               // a %%native cell
)

// Header lines of a native unit.
const (
	nativeHead = "//warren:native cell "
	nativeDot  = "//warren:dot "
	nativeGet  = "//warren:get "
	moduleHead = "%go get "
)

// shipNative is the native part of a ship log.
type shipNative struct {
	modules map[string]*declUnit          // import path → the module unit of its package
	byPkg   map[string]*declUnit          // import path (in this session) of a native cell's package → its unit
	replay  *nativeReplay                 // worker side: the native unit LoadFunc is building
	funcs   map[unsafe.Pointer]nativeFunc // closures of native cells' functions (see nativeFunc)
}

// nativeFunc is a top-level function of a native cell, by its closure:
// native code passes it to ray.Remote without the Ship hook.
type nativeFunc struct {
	u    *declUnit
	name string
}

// nativeInfo is what a native unit's declarations use.
type nativeInfo struct {
	cell  int
	pkg   string                     // import path of the cell's package in this session
	kinds map[string]string          // its top-level names (native.Cell.Names)
	refs  map[string]map[string]bool // top-level name → names its declaration uses (a type's: and its methods')
	dots  map[string]*declUnit       // names of earlier native cells it uses → their units then
}

// nativeReplay is a native unit a worker's LoadFunc builds.
type nativeReplay struct {
	src  string
	dots []string // import paths (in this session) of the native cells it dot-imports
}

// moduleUnit returns the module unit of modver ("module@version"),
// logging it if new; the caller holds l.mu.
func (l *shipLog) moduleUnit(modver string) *declUnit {
	src := moduleHead + modver
	hash := sourceHash(src)
	if u := l.byHash[hash]; u != nil {
		return u
	}
	l.seq++
	u := &declUnit{src: src, hash: hash, kind: unitModule, seq: l.seq}
	l.byHash[hash] = u
	return u
}

// moduleOf returns the module unit an import unit of a package fetched
// into the native workspace needs; the caller holds l.mu.
func (l *shipLog) moduleOf(u *declUnit, show string) (*declUnit, error) {
	if m := l.nat.modules[u.path]; m != nil {
		return m, nil
	}
	return nil, fmt.Errorf("%s cannot run on a cluster worker: it uses package %q, and this session did not record which version of its module it loaded", show, u.path)
}

// noteImportModule records the module version a package imported from the
// native workspace was built with, for workers (see moduleUnit).
func (s *Session) noteImportModule(ws *native.Workspace, path string) {
	modver := ws.Imported(path)
	if modver == "" {
		return
	}
	l := s.ship
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.nat.modules == nil {
		l.nat.modules = map[string]*declUnit{}
	}
	l.nat.modules[path] = l.moduleUnit(modver)
}

// replaying returns the native unit LoadFunc is building, or nil.
func (l *shipLog) replaying() *nativeReplay {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.nat.replay
}

// replayDef is the nativeDef of name among the native cells r dot-imports
// (runNative's t.defs, for a worker building a shipped native cell: the
// cells the driver's build used, whichever the worker built last).
func (l *shipLog) replayDef(r *nativeReplay, name string) (nativeDef, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, pkg := range r.dots {
		if u := l.nat.byPkg[pkg]; u != nil {
			if kind, ok := u.native.kinds[name]; ok {
				return nativeDef{pkg: pkg, kind: kind, cell: u.native.cell}, true
			}
		}
	}
	return nativeDef{}, false
}

// logNative logs a native cell that runNative built and bound (cell n,
// package pkg, dot-importing the packages of dot): a worker replaying one
// logs the unit it was given.
func (s *Session) logNative(ctx context.Context, ws *native.Workspace, n int, code string, cl *native.Cell, pkg string, dot map[string]native.DotName, r *nativeReplay, syms map[string]map[string]reflect.Value) {
	l := s.ship
	src := ""
	if r != nil {
		src = r.src
	} else {
		var b strings.Builder
		fmt.Fprintf(&b, "%s%d\n", nativeHead, n)
		pkgs := make([]string, 0, len(dot))
		for p := range dot {
			pkgs = append(pkgs, p)
		}
		sort.Strings(pkgs)
		l.mu.Lock()
		for _, p := range pkgs {
			if u := l.nat.byPkg[p]; u != nil {
				b.WriteString(nativeDot + u.hash + "\n")
			}
		}
		l.mu.Unlock()
		var mods []string
		for _, imp := range cl.Imports {
			if needsModule(imp.Path, ws) {
				if modver, err := ws.ModuleOf(ctx, imp.Path); err == nil && !contains(mods, modver) {
					mods = append(mods, modver)
				}
			}
		}
		sort.Strings(mods)
		for _, m := range mods {
			b.WriteString(nativeGet + m + "\n")
		}
		b.WriteString(code)
		src = b.String()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.addNative(src, pkg, n, cl)
	if l.nat.funcs == nil {
		l.nat.funcs = map[unsafe.Pointer]nativeFunc{}
	}
	for _, table := range syms {
		for name, v := range table {
			if cl.Names[name] == "func" && v.Kind() == reflect.Func && !v.IsNil() {
				l.nat.funcs[closurePtr(v.Interface())] = nativeFunc{u, name}
			}
		}
	}
}

// nativeFunc returns what ShipFunc ships for the native function whose
// closure is p; the caller holds l.mu.
func (l *shipLog) nativeFunc(p unsafe.Pointer) (shipFunc, bool) {
	f, ok := l.nat.funcs[p]
	if !ok {
		return shipFunc{}, false
	}
	if cur := l.byName[f.name]; cur != f.u {
		return shipFunc{key: fmt.Sprintf("!%s is the %s of native cell[%d], which cell[%d] declared again: pass the function of the later cell, or run cell[%d] again", f.name, f.name, f.u.cell, cellOf(cur), f.u.cell)}, true
	}
	return shipFunc{key: f.name}, true
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// splitNative returns the header lines of a native unit and its code.
func splitNative(src string) (head []string, code string) {
	for strings.HasPrefix(src, "//warren:") {
		line, rest, _ := strings.Cut(src, "\n")
		head = append(head, line)
		src = rest
	}
	return head, src
}

// addNative logs a native unit and returns it; the caller holds l.mu.
func (l *shipLog) addNative(src, pkg string, n int, cl *native.Cell) *declUnit {
	u := &declUnit{src: src, hash: sourceHash(src), kind: unitNative}
	head, _ := splitNative(src)
	for _, line := range head {
		switch {
		case strings.HasPrefix(line, nativeHead):
			u.cell, _ = strconv.Atoi(strings.TrimPrefix(line, nativeHead))
		case strings.HasPrefix(line, nativeDot):
			if d := l.byHash[strings.TrimPrefix(line, nativeDot)]; d != nil {
				u.needs = append(u.needs, d)
			}
		case strings.HasPrefix(line, nativeGet):
			u.needs = append(u.needs, l.moduleUnit(strings.TrimPrefix(line, nativeGet)))
		}
	}
	info := &nativeInfo{cell: u.cell, pkg: pkg, kinds: cl.Names, refs: map[string]map[string]bool{}, dots: map[string]*declUnit{}}
	u.native = info
	for _, text := range cl.Decls() {
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, 0)
		if err != nil || len(f.Decls) == 0 {
			continue
		}
		refs := unresolved(f)
		var keys []string
		switch d := f.Decls[0].(type) {
		case *ast.FuncDecl:
			keys = []string{d.Name.Name}
			if d.Recv != nil {
				keys = []string{recvName(d.Recv)}
			}
		case *ast.GenDecl:
			keys = genDeclNames(d)
		}
		for _, k := range keys {
			if info.refs[k] == nil {
				info.refs[k] = map[string]bool{}
			}
			for r := range refs {
				info.refs[k][r] = true
			}
		}
	}
	for r := range cl.Uses {
		if cl.Names[r] != "" || !isExported(r) {
			continue
		}
		if d := l.byName[r]; d != nil && d.native != nil {
			info.dots[r] = d
		}
	}
	l.seq++
	u.seq = l.seq
	l.byHash[u.hash] = u
	if l.nat.byPkg == nil {
		l.nat.byPkg = map[string]*declUnit{}
	}
	l.nat.byPkg[pkg] = u
	names := make([]string, 0, len(cl.Names))
	for name := range cl.Names {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if cl.Names[name] == "var" {
			l.add(&declUnit{kind: unitVar, cell: u.cell, names: []string{name}, native: info,
				why: fmt.Sprintf("declared in native cell[%d] (a worker builds the cell but has its own copy of its variables, not the value this session's code gave it)", u.cell)})
			continue
		}
		u.names = append(u.names, name)
		l.byName[name] = u
	}
	return u
}

// nativeUses checks that name, declared by native unit u, uses no
// variable of a native cell, directly or through what it uses; the caller
// holds l.mu.
func (l *shipLog) nativeUses(u *declUnit, name, show string) error {
	type key struct {
		u    *declUnit
		name string
	}
	seen := map[key]bool{}
	var walk func(u *declUnit, name string) error
	walk = func(u *declUnit, name string) error {
		if seen[key{u, name}] {
			return nil
		}
		seen[key{u, name}] = true
		info := u.native
		refs := make([]string, 0, len(info.refs[name]))
		for r := range info.refs[name] {
			refs = append(refs, r)
		}
		sort.Strings(refs)
		for _, r := range refs {
			if r == name {
				continue
			}
			if kind, ok := info.kinds[r]; ok {
				if kind == "var" {
					return l.nativeVarError(show, r, name, info.cell)
				}
				if err := walk(u, r); err != nil {
					return err
				}
				continue
			}
			d := info.dots[r]
			switch {
			case d == nil:
			case d.kind == unitVar:
				return l.nativeVarError(show, r, name, d.cell)
			case d.kind == unitNative:
				if cur := l.byName[r]; cur != d {
					return fmt.Errorf("%s cannot run on a cluster worker: native cell[%d] uses %s of native cell[%d], which cell[%d] declared again; a worker could not tell them apart: run cell[%d] again, then submit again", show, info.cell, r, d.cell, cellOf(cur), info.cell)
				}
				if err := walk(d, r); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return walk(u, name)
}

func cellOf(u *declUnit) int {
	if u == nil {
		return 0
	}
	return u.cell
}

func (l *shipLog) nativeVarError(show, v, through string, cell int) error {
	via := ""
	if through != "" && through != strings.TrimPrefix(show, "ray.Remote(") {
		via = " (through " + through + ")"
	}
	return fmt.Errorf("%s cannot run on a cluster worker: it uses the variable %s of native cell[%d]%s; a worker builds the native cell but has its own copy of its variables, not the value this session's code gave it: pass %s as an argument of .Remote (or make it a const)", show, v, cell, via, v)
}

// nativeCurrent checks that every name of native unit u is still the
// session's (a worker binds all of a native cell's names when it builds
// it); the caller holds l.mu.
func (l *shipLog) nativeCurrent(u *declUnit, show string) error {
	for _, n := range u.names {
		if cur := l.byName[n]; cur != u {
			return fmt.Errorf("%s cannot run on a cluster worker: it needs native cell[%d], whose %s cell[%d] declared again; a worker builds and binds a native cell whole, and could not keep both: run cell[%d] again, then submit again", show, u.cell, n, cellOf(cur), u.cell)
		}
	}
	return nil
}

// replaySpecial runs, on a worker, a module unit (go get of the exact
// version) or a native unit (the cell built, its names bound); see
// special. name is the function being loaded, for errors.
func (s *Session) replaySpecial(ctx context.Context, src, name string) error {
	if strings.HasPrefix(src, nativeHead) {
		return s.replayNative(ctx, src, name)
	}
	modver := strings.TrimPrefix(src, moduleHead)
	ws, err := s.workspace()
	if err == nil {
		err = ws.Get(ctx, modver, nil)
	}
	if err != nil {
		return fmt.Errorf("interp: loading %s on the worker: go get %s failed on this worker: %w%s", shownName(name), modver, err, workerAdvice(err))
	}
	l := s.ship
	l.mu.Lock()
	l.moduleUnit(modver)
	l.mu.Unlock()
	return nil
}

// replayNative builds a native unit on a worker (see runNative).
func (s *Session) replayNative(ctx context.Context, src, name string) error {
	head, code := splitNative(src)
	l := s.ship
	r := &nativeReplay{src: src}
	cell := 0
	l.mu.Lock()
	for _, line := range head {
		switch {
		case strings.HasPrefix(line, nativeHead):
			cell, _ = strconv.Atoi(strings.TrimPrefix(line, nativeHead))
		case strings.HasPrefix(line, nativeDot):
			if d := l.byHash[strings.TrimPrefix(line, nativeDot)]; d != nil && d.native != nil {
				r.dots = append(r.dots, d.native.pkg)
			}
		}
	}
	l.nat.replay = r
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.nat.replay = nil
		l.mu.Unlock()
	}()
	// The code's first line is where the driver's %%native line was
	// (blanked), so lines stay the cell's.
	_, rest, _ := strings.Cut(code, "\n")
	_, err := s.Execute(ctx, fmt.Sprintf("warren-native-%d", cell), "%%native\n"+rest, noOutput{})
	if err != nil {
		return fmt.Errorf("interp: loading %s on the worker: the notebook's native cell[%d] could not be built on this worker: %w%s", shownName(name), cell, err, workerAdvice(err))
	}
	return nil
}

// workerAdvice says what a worker that cannot build needs.
func workerAdvice(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Name == "CompileError" {
		return ""
	}
	id, _ := native.CurrentIdentity()
	v := "the kernel's"
	if id != nil {
		v = strings.TrimPrefix(id.GoVersion, "go")
	}
	return fmt.Sprintf(" (a worker builds %%%%native cells and %%go get modules itself, with the go command on its PATH: it needs Go %s there, cgo, and the same warren build as the kernel; then submit again)", v)
}

// special reports whether a unit's source is a module or native unit.
func special(src []byte) bool {
	s := string(src)
	return strings.HasPrefix(s, moduleHead) || strings.HasPrefix(s, nativeHead)
}
