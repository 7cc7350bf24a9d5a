package interp

// Bindings on a worker. A worker's session runs the tasks of every
// notebook session (driver) connected to the cluster, and a driver may
// declare a name again. The interpreter binds a name when it compiles a
// use of it, and a lookup by name finds the latest declaration, so a unit
// the worker ran once is not always right for a later task. LoadFunc
// runs again, with the units the task needs that it has not run yet:
//   - a unit of the task that declares a name the worker has declared
//     since with another unit (the task's function itself, found by name,
//     must be the task's);
//   - a unit compiled against a declaration the task does not have
//     (another driver's, or an older one of the same driver);
//   - then every unit of the task compiled against a unit run again (a
//     variable declared again is a new variable).
//
// A unit with the same source as one the worker ran (the same
// declaration from another cell: another session's notebook, run in
// another order) counts as that one, so sessions running the same
// notebook do not make each other's units run again.
//
// A native cell's names count as declared by its unit, so a task gets its
// own session's native functions; a native cell runs again by binding its
// names again (its plugin is built once).
//
// Types and methods cannot be declared again: the interpreter keeps the
// first. A task that needs another declaration of a type the worker has
// fails, saying so, rather than run with the other type; the same
// declaration from another cell is taken as it is.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strings"

	"github.com/warren-go/warren/native"
)

// unitBinds is what a worker knows of a unit it ran.
type unitBinds struct {
	body  string            // SHA-256 of its source after the header line: units with the same body are the same declaration
	names []string          // functions, variables and constants it declares
	types []string          // types it declares, and methods as T.M
	refs  map[string]string // names it uses → the unit declaring each when it was compiled ("" if none)
	uses  map[string]bool   // names it uses (before it is compiled)
}

// parseBinds returns the names a unit's source declares and uses.
func parseBinds(src string) *unitBinds {
	_, body, _ := strings.Cut(src, "\n")
	b := &unitBinds{body: sourceHash(body), uses: map[string]bool{}}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+body, 0)
	if err != nil {
		// A statement: an assignment of a variable's value (shipvar.go).
		if f, err = parser.ParseFile(token.NewFileSet(), "", "package p;func _(){"+body+"\n}", 0); err != nil {
			return b
		}
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			switch {
			case d.Recv != nil:
				b.types = append(b.types, recvName(d.Recv)+"."+d.Name.Name)
			case d.Name.Name != "_":
				b.names = append(b.names, d.Name.Name)
			}
		case *ast.GenDecl:
			if d.Tok == token.TYPE {
				b.types = append(b.types, genDeclNames(d)...)
			} else if d.Tok != token.IMPORT {
				b.names = append(b.names, genDeclNames(d)...)
			}
		}
	}
	for _, imp := range f.Imports {
		spec := importSpec{path: strings.Trim(imp.Path.Value, "`\"")}
		if imp.Name != nil {
			spec.name = imp.Name.Name
		}
		b.names = append(b.names, spec.localName())
	}
	for n := range unresolved(f) {
		b.uses[n] = true
	}
	for _, n := range b.names {
		delete(b.uses, n)
	}
	return b
}

// nativeBinds returns the names a native unit declares (nil for a
// module unit, or a cell that does not parse): every name of the cell,
// its types included, since running the cell again binds them all again.
// Its body is its source after the cell number: the code and the units
// it dot-imports.
func nativeBinds(src string) *unitBinds {
	if !strings.HasPrefix(src, nativeHead) {
		return nil
	}
	_, rest, _ := strings.Cut(src, "\n")
	_, code := splitNative(src)
	cl, err := native.ParseCell(code)
	if err != nil {
		return nil
	}
	b := &unitBinds{body: sourceHash(rest), uses: map[string]bool{}}
	for n := range cl.Names {
		b.names = append(b.names, n)
	}
	slices.Sort(b.names)
	return b
}

// toRun returns the units of decls that LoadFunc must run for a task:
// those not run yet, and those run whose bindings are not the task's
// (see above). A unit the task does not have but with the same source
// (another session's, from another cell) counts as the task's. The caller
// holds l.mu.
func (l *shipLog) toRun(decls []string) map[string]bool {
	in := make(map[string]bool, len(decls))
	for _, h := range decls {
		in[h] = true
	}
	var bodies map[string]bool // of the task's loaded units, made when first needed
	ours := func(d string) bool {
		if in[d] {
			return true
		}
		b := l.binds[d]
		if b == nil {
			return false
		}
		if bodies == nil {
			bodies = map[string]bool{}
			for _, h := range decls {
				if hb := l.binds[h]; hb != nil && l.loaded[h] {
					bodies[hb.body] = true
				}
			}
		}
		return bodies[b.body]
	}
	run := map[string]bool{}
	for _, h := range decls {
		b := l.binds[h]
		if !l.loaded[h] {
			run[h] = true
			continue
		}
		if b == nil {
			continue // a module or native cell: run once
		}
		for _, n := range b.names {
			if d := l.definer[n]; d != h && !ours(d) {
				run[h] = true // declared since by a unit the task does not have (the task's function is looked up by name)
			}
		}
		for _, d := range b.refs {
			if d != "" && !ours(d) {
				run[h] = true // compiled against a declaration the task does not have
			}
		}
	}
	for changed := true; changed; {
		changed = false
		for _, h := range decls {
			b := l.binds[h]
			if run[h] || b == nil {
				continue
			}
			for _, d := range b.refs {
				if run[d] {
					run[h], changed = true, true
					break
				}
			}
		}
	}
	return run
}

// sameTypes reports whether unit h, about to run, declares only types and
// methods the worker has from a unit with the same source: it need not
// run (the interpreter keeps a type's first declaration). It returns an
// error if h declares a type or method the worker has from a unit with
// other source. The caller holds l.mu.
func (l *shipLog) sameTypes(h string, b *unitBinds) (bool, error) {
	same := len(b.types) > 0 && len(b.names) == 0
	for _, t := range b.types {
		d := l.definer[t]
		switch {
		case d == "" || d == h:
			same = false
		case l.binds[d] == nil || l.binds[d].body != b.body:
			return false, fmt.Errorf("this worker already has another declaration of %s (from another notebook session, or from a cell declared again and run again); the interpreter keeps a type's first declaration and methods: give the type another name, or run the task on another worker (restart this one)", t)
		}
	}
	return same, nil
}

// bindLoaded notes the declarations of units just run, then what each
// was compiled against. The caller holds l.mu.
func (l *shipLog) bindLoaded(fresh []string, parsed map[string]*unitBinds) {
	for _, h := range fresh {
		b := parsed[h]
		if b == nil {
			continue
		}
		for _, n := range b.names {
			l.definer[n] = h
		}
		for _, t := range b.types {
			l.definer[t] = h
		}
	}
	for _, h := range fresh {
		b := parsed[h]
		if b == nil {
			continue
		}
		b.refs = make(map[string]string, len(b.uses))
		for n := range b.uses {
			b.refs[n] = l.definer[n]
		}
		l.binds[h] = b
	}
}
