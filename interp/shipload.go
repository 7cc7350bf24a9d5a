package interp

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// noOutput is the Output of the cells LoadFunc runs.
type noOutput struct{}

func (noOutput) Stream(name, text string)              {}
func (noOutput) Display(data, metadata map[string]any) {}

// A loadedUnit places a unit in the cell LoadFunc runs.
type loadedUnit struct {
	first, last int // lines of the unit's item in the cell
	cell, line  int // where the driver's cell had it
}

// LoadFunc is the worker side of ShipFunc: it runs, as one cell of s, the
// units of decls that s has not run yet (their sources from fetch, checked
// against their hashes), then returns the function called name. Module
// and native units run on their own, in order (see shipnative.go). Units
// run once per session: later calls needing them reuse them. A unit that
// fails to compile is an error naming the driver's cell and line; a native
// cell or module the worker cannot build is an error naming the cell or
// module and what the worker needs.
func (s *Session) LoadFunc(ctx context.Context, name string, decls []string, fetch func(ctx context.Context, hash string) ([]byte, error)) (reflect.Value, error) {
	l := s.ship
	if v, ok := l.cached(name, decls); ok {
		return v, nil // not waiting for a load of other functions (a native build can take a minute)
	}
	l.loadMu.Lock()
	defer l.loadMu.Unlock()
	var b strings.Builder
	var units []loadedUnit
	var fresh []string
	parsed := map[string]*unitBinds{}
	l.mu.Lock()
	run := l.toRun(decls)
	l.mu.Unlock()
	line := 1
	// flush runs the units gathered so far as one cell.
	flush := func() error {
		if len(fresh) == 0 {
			return nil
		}
		l.mu.Lock()
		l.loadCell++
		l.replay = units
		l.mu.Unlock()
		_, err := s.Execute(ctx, fmt.Sprintf("warren-load-%d", l.loadCell), b.String(), noOutput{})
		l.mu.Lock()
		l.replay = nil
		l.mu.Unlock()
		if err != nil {
			return loadError(err, units, name)
		}
		l.mu.Lock()
		for _, h := range fresh {
			l.loaded[h] = true
		}
		l.bindLoaded(fresh, parsed)
		clear(l.values) // a unit may have declared a function again
		l.mu.Unlock()
		b.Reset()
		units, fresh, line = nil, nil, 1
		return nil
	}
	for _, h := range decls {
		if !run[h] {
			continue
		}
		l.mu.Lock()
		again := l.loaded[h]
		l.mu.Unlock()
		src, err := fetchUnit(ctx, fetch, h)
		if err != nil {
			return reflect.Value{}, err
		}
		if special(src) {
			if err := flush(); err != nil {
				return reflect.Value{}, err
			}
			if err := s.replaySpecial(ctx, string(src), name); err != nil {
				return reflect.Value{}, err
			}
			l.mu.Lock()
			l.loaded[h] = true
			if nb := nativeBinds(string(src)); nb != nil { // its names, as a unit's (shipbind.go)
				l.bindLoaded([]string{h}, map[string]*unitBinds{h: nb})
			}
			clear(l.values)
			l.mu.Unlock()
			continue
		}
		if !again && l.staleAssign(string(src)) { // a later value is in place (shipvar.go)
			l.mu.Lock()
			l.loaded[h] = true
			l.mu.Unlock()
			continue
		}
		ub := parseBinds(string(src))
		l.mu.Lock()
		same, err := l.sameTypes(h, ub)
		if same { // the worker has these types from the same source
			l.loaded[h] = true
			ub.refs = map[string]string{}
			l.binds[h] = ub
		}
		l.mu.Unlock()
		if err != nil {
			return reflect.Value{}, fmt.Errorf("interp: loading %s on the worker: %w", shownName(name), err)
		}
		if same {
			continue
		}
		parsed[h] = ub
		head, body, _ := strings.Cut(string(src), "\n")
		u := loadedUnit{first: line + 1}
		if f := strings.Fields(head); len(f) == 4 && f[0] == "//warren:cell" && f[2] == "line" {
			u.cell, _ = strconv.Atoi(f[1])
			u.line, _ = strconv.Atoi(f[3])
		}
		b.WriteString(head + "\n" + body + "\n")
		line += 1 + strings.Count(body, "\n") + 1
		u.last = line - 1
		units = append(units, u)
		fresh = append(fresh, h)
	}
	if err := flush(); err != nil {
		return reflect.Value{}, err
	}
	l.mu.Lock()
	v, ok := l.values[name]
	l.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := s.lookupFunc(ctx, name)
	if err != nil {
		return reflect.Value{}, err
	}
	l.mu.Lock()
	l.values[name] = v
	l.mu.Unlock()
	return v, nil
}

// cached returns the function LoadFunc returned for name before, if every
// unit of decls is loaded and bound as the task needs (shipbind.go).
func (l *shipLog) cached(name string, decls []string) (reflect.Value, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.values[name]
	if !ok || len(l.toRun(decls)) > 0 {
		return reflect.Value{}, false
	}
	return v, true
}

// fetchAttempts is how many times LoadFunc reads a unit before it gives
// up: units are content-addressed, so several processes may upload the same
// one, and a read while another process replaces it can fail once.
const fetchAttempts = 3

// fetchUnit returns the unit with hash h, checked against h.
func fetchUnit(ctx context.Context, fetch func(context.Context, string) ([]byte, error), h string) ([]byte, error) {
	var err error
	for attempt := range fetchAttempts {
		if attempt > 0 {
			t := time.NewTimer(time.Duration(attempt) * 100 * time.Millisecond)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil, fmt.Errorf("interp: fetching declaration %s: %w", h, ctx.Err())
			case <-t.C:
			}
		}
		var src []byte
		src, err = fetch(ctx, h)
		if err != nil {
			err = fmt.Errorf("interp: fetching declaration %s: %w", h, err)
			continue
		}
		if sourceHash(string(src)) != h {
			err = fmt.Errorf("interp: declaration %s: the source fetched does not have that hash", h)
			continue
		}
		return src, nil
	}
	return nil, err
}

// loadError says where in the driver's cells a unit that failed to run
// on the worker was.
func loadError(err error, units []loadedUnit, name string) error {
	var e *Error
	where := ""
	if errors.As(err, &e) {
		if i := strings.Index(e.Value, "line "); i >= 0 {
			rest := e.Value[i+len("line "):]
			end := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
			if end < 0 {
				end = len(rest)
			}
			if n, convErr := strconv.Atoi(rest[:end]); convErr == nil {
				for _, u := range units {
					if u.first <= n && n <= u.last && u.cell > 0 {
						where = fmt.Sprintf(" at cell[%d] line %d", u.cell, u.line+n-u.first)
					}
				}
			}
		}
	}
	return fmt.Errorf("interp: loading %s on the worker: the cells' declarations failed to run%s: %w", shownName(name), where, err)
}

func shownName(name string) string {
	if strings.HasPrefix(name, shipPrefix) {
		return "a function literal"
	}
	return name
}

// lookupFunc returns the value of name (a top-level function, or pkg.F of
// an imported package).
func (s *Session) lookupFunc(ctx context.Context, name string) (reflect.Value, error) {
	if pkg, fn, ok := strings.Cut(name, "."); ok {
		s.mu.Lock()
		path := s.pkgs[pkg]
		v, found := s.syms[path][fn]
		s.mu.Unlock()
		if !found || v.Kind() != reflect.Func {
			return reflect.Value{}, fmt.Errorf("interp: %s is not a function of an imported package", name)
		}
		return v, nil
	}
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	c := &cell{id: "warren-lookup", n: int(s.n.Add(1)), out: noOutput{}, lines: 1}
	v, err := s.evalLocked(ctx, c, name, name, declRun)
	if err != nil {
		return reflect.Value{}, fmt.Errorf("interp: %s is not a function of this session: %w", shownName(name), err)
	}
	if v.Kind() != reflect.Func {
		return reflect.Value{}, fmt.Errorf("interp: %s is a %v, not a function", shownName(name), v.Kind())
	}
	return v, nil
}
