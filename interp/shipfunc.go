package interp

// Shipping: what a worker needs to run a function a cell gave ray.Remote
// (see ship.go for the log it is read from).

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// ShipFunc names the function behind fn, a value a cell gave ray.Remote,
// for a worker: name is what LoadFunc looks up after running decls, the
// hashes of the logged units it needs (see Source), in the order to run
// them. It fails, saying what to do, when a worker cannot have the
// function: fn was not given to ray.Remote in a cell, is a variable or a
// method value, is a literal that uses variables around it, or uses
// (directly or through what it calls) a top-level variable of a cell whose
// value cannot travel (shipvar.go), a variable of a native cell, or a
// declaration some later cell declared again.
func (s *Session) ShipFunc(fn reflect.Value) (name string, decls []string, err error) {
	if fn.Kind() != reflect.Func || fn.IsNil() || !fn.CanInterface() {
		return "", nil, fmt.Errorf("interp: ShipFunc needs a function, got %v", fn.Kind())
	}
	l := s.ship
	p := closurePtr(fn.Interface())
	l.mu.Lock()
	defer l.mu.Unlock()
	if r, ok := l.shipped[p]; ok && r.seq == l.seq && l.varsCurrent(r.vars) {
		return r.name, r.decls, r.err
	}
	sf, ok := l.funcs[p]
	if !ok {
		sf, ok = l.nativeFunc(p) // a native function that native code gave ray.Remote
	}
	if !ok {
		return "", nil, fmt.Errorf("this function cannot run on a cluster worker: warren knows which function it is only when a cell passes it directly to ray.Remote, ray.NewActor or an actor's Remote, as ray.Remote(f) with f declared by func f(…) at the top level of a cell, or as ray.Remote(func(…) {…})")
	}
	var vars []capturedVar
	name, decls, vars, err = l.ship(sf.key, sf.root)
	l.shipped[p] = shipResult{l.seq, name, decls, vars, err}
	return name, decls, err
}

// ship resolves a key of shipRewrite, for the function declared by unit
// declared if not nil, and returns the variables whose values travel with
// the function; the caller holds l.mu.
func (l *shipLog) ship(key string, declared *declUnit) (string, []string, []capturedVar, error) {
	if msg, ok := strings.CutPrefix(key, "!"); ok {
		return "", nil, nil, fmt.Errorf("this function cannot run on a cluster worker: %s", msg)
	}
	if sel, ok := strings.CutPrefix(key, "sel:"); ok {
		pkg, _, _ := strings.Cut(sel, ".")
		u := l.byName[pkg]
		if u == nil || u.kind != unitImport {
			return "", nil, nil, fmt.Errorf("ray.Remote(%s) cannot run on a cluster worker: %s is not an imported package here; pass a function declared in a cell or a function literal", sel, pkg)
		}
		if !l.builtin[u.path] {
			m, err := l.moduleOf(u, "ray.Remote("+sel+")")
			if err != nil {
				return "", nil, nil, err
			}
			return sel, []string{m.hash, u.hash}, nil, nil
		}
		return sel, []string{u.hash}, nil, nil
	}
	name := strings.TrimPrefix(key, "lit:")
	show := name
	if strings.HasPrefix(name, shipPrefix) {
		show = "the function literal"
	}
	root := l.byName[name]
	if declared != nil && declared.hash != "" {
		root = declared // declared again since: ship the function this value is
	}
	switch {
	case root == nil:
		return "", nil, nil, fmt.Errorf("ray.Remote(%s) cannot run on a cluster worker: %s is not a function declared in a cell", name, name)
	case root.kind == unitVar:
		return "", nil, nil, fmt.Errorf("ray.Remote(%s) cannot run on a cluster worker: %s is a variable; declare the function with func %s(…) at the top level of a cell", name, name, name)
	case root.kind == unitNative:
		if err := l.nativeUses(root, name, show); err != nil {
			return "", nil, nil, err
		}
	}
	need := map[*declUnit]bool{}
	var vars []capturedVar
	var visit func(u *declUnit) error
	visit = func(u *declUnit) error {
		if need[u] {
			return nil
		}
		need[u] = true
		var deps []*declUnit
		if u.kind == unitImport && !l.builtin[u.path] {
			m, err := l.moduleOf(u, show)
			if err != nil {
				return err
			}
			deps = append(deps, m)
		}
		if u.kind == unitNative {
			if err := l.nativeCurrent(u, show); err != nil {
				return err
			}
		}
		deps = append(deps, u.needs...)
		for _, t := range u.names {
			for _, m := range l.methods[t] {
				deps = append(deps, m)
			}
		}
		refs := make([]string, 0, len(u.refs))
		for r := range u.refs {
			refs = append(refs, r)
		}
		sort.Strings(refs)
		for _, r := range refs {
			d := l.byName[r]
			if d == nil {
				continue // predeclared, or a field name of a composite literal
			}
			if then := u.deps[r]; then != nil && then != d {
				user := "the function literal"
				if len(u.names) > 0 && u.kind != unitLit {
					user = u.names[0]
				}
				return fmt.Errorf("%s cannot run on a cluster worker: %s uses %s, which cell[%d] declared again after cell[%d] declared %s; in this session %s still uses the %s of cell[%d] (the interpreter binds a name when it compiles its use), and a worker could not tell them apart: run cell[%d] again, then submit again", show, user, r, d.cell, u.cell, user, user, r, then.cell, u.cell)
			}
			if d.kind == unitVar && d.why != "" {
				// Its value travels with the function (shipvar.go).
				cu, cv, err := l.captureVar(d, r)
				if err != nil {
					through := ""
					if u != root && len(u.names) > 0 {
						through = " (through " + u.names[0] + ")"
					}
					return fmt.Errorf("%s cannot run on a cluster worker: it uses the top-level variable %s%s, %s, and %s: its value cannot travel with the function; pass %s as an argument of .Remote (or make it a const)", show, r, through, d.why, err, r)
				}
				for _, c := range cu {
					need[c] = true
				}
				vars = append(vars, cv)
				continue
			}
			if d.kind == unitNative {
				if err := l.nativeUses(d, r, show); err != nil {
					return err
				}
			}
			deps = append(deps, d)
		}
		if u.recv != "" {
			if d := l.byName[u.recv]; d != nil {
				deps = append(deps, d)
			}
		}
		for _, d := range deps {
			if err := visit(d); err != nil {
				return err
			}
		}
		return nil
	}
	if err := visit(root); err != nil {
		return "", nil, nil, err
	}
	units := make([]*declUnit, 0, len(need))
	for u := range need {
		units = append(units, u)
	}
	// Modules, then imports, then the rest as the cells ran them.
	rank := func(u *declUnit) int {
		switch u.kind {
		case unitModule:
			return 0
		case unitImport:
			return 1
		}
		return 2
	}
	sort.Slice(units, func(i, j int) bool {
		if ri, rj := rank(units[i]), rank(units[j]); ri != rj {
			return ri < rj
		}
		return units[i].seq < units[j].seq
	})
	decls := make([]string, len(units))
	for i, u := range units {
		decls[i] = u.hash
	}
	return name, decls, vars, nil
}

// Source returns the source of the logged unit with the given hash (see
// ShipFunc), for a worker's LoadFunc.
func (s *Session) Source(hash string) ([]byte, error) {
	l := s.ship
	l.mu.Lock()
	defer l.mu.Unlock()
	u := l.byHash[hash]
	if u == nil {
		return nil, fmt.Errorf("interp: no declaration with hash %s in this session", hash)
	}
	return []byte(u.src), nil
}
