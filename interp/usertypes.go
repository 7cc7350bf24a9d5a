package interp

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// User types in compiled code. yaegi v0.16.1 hands compiled code a value of
// a type declared in a cell either as a plain Go value of its underlying type
// (methods lost) or, where an interface is expected, as a wrapper struct of
// yaegi's own whose methods call the interpreted ones. Compiled code that
// looks at the type itself — errors.Is and errors.As walking an error
// chain, %T, %d on a Stringer — then answers wrongly. What warren can make
// right it rewrites (see fmtverbs.go); errors.Is and errors.As are replaced
// by versions that answer as the standard ones when no cell type is in the
// way and fail with a clear error when one is.

// errUserTypes is the advice for compiled code that needs a cell type's
// identity or methods.
const errUserTypes = "types whose methods compiled code must call (Stringer, error, sort.Interface, json.Marshaler, an Unwrap or Is method) lose them in compiled code: compare in cell code (err == target, a type assertion or a type switch), or run the code in a %%native cell"

// yaegiPkg is the import path prefix of yaegi's wrapper types.
const yaegiPkg = "github.com/traefik/yaegi/"

// fromCell reports whether v is a value of a cell type as compiled code sees
// it: one of yaegi's wrappers.
func fromCell(v any) bool {
	t := reflect.TypeOf(v)
	for t != nil && t.Kind() == reflect.Pointer && t.Name() == "" {
		t = t.Elem()
	}
	return t != nil && strings.HasPrefix(t.PkgPath(), yaegiPkg)
}

// chainFromCell reports whether err or an error it wraps is a cell value.
func chainFromCell(err error) bool {
	stack := []error{err}
	for len(stack) > 0 {
		e := stack[0]
		stack = stack[1:]
		if e == nil {
			continue
		}
		if fromCell(e) {
			return true
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			stack = append([]error{u.Unwrap()}, stack...)
		case interface{ Unwrap() []error }:
			stack = append(append([]error{}, u.Unwrap()...), stack...)
		}
	}
	return false
}

// userTypeError is the panic of a compiled function that cannot answer
// right for a cell type.
type userTypeError struct{ msg string }

func (e *userTypeError) Error() string { return e.msg }

// cellMethod reports whether a type declared in a cell has one of the
// named methods.
func (s *Session) cellMethod(names ...string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k := range s.methods {
		for _, n := range names {
			if strings.HasSuffix(k, "."+n) {
				return true
			}
		}
	}
	return false
}

// errorsIs is errors.Is for cells. A cell error in the chain is opaque to
// compiled code: when the standard errors.Is finds no match, that answer
// stands only if the target is not a cell error and no cell type has an Is
// or Unwrap method that could have matched; otherwise it fails.
func (s *Session) errorsIs(err, target error) bool {
	if errors.Is(err, target) {
		return true
	}
	if fromCell(target) || (chainFromCell(err) && s.cellMethod("Is", "Unwrap")) {
		panic(&userTypeError{"errors.Is cannot see into an error whose type is declared in a cell: " + errUserTypes})
	}
	return false
}

// errorsAs is errors.As for cells: it fails clearly where the standard one
// panics on a target of a cell type, and where a cell error in the chain
// could match (an interface target, or a cell type with an As or Unwrap
// method) but compiled code cannot tell.
func (s *Session) errorsAs(err error, target any) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if msg := fmt.Sprint(r); strings.Contains(msg, "target must be interface or implement error") {
				panic(&userTypeError{"errors.As cannot match a target whose type is declared in a cell: " + errUserTypes})
			}
			panic(r)
		}
	}()
	if errors.As(err, target) {
		return true
	}
	if chainFromCell(err) {
		t := reflect.TypeOf(target)
		iface := t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Interface
		if iface || s.cellMethod("As", "Unwrap") {
			panic(&userTypeError{"errors.As cannot see into an error whose type is declared in a cell: " + errUserTypes})
		}
	}
	return false
}

// errorsSymbols overrides errors.Is and errors.As for cells.
func (s *Session) errorsSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Is": reflect.ValueOf(s.errorsIs),
		"As": reflect.ValueOf(s.errorsAs),
	}
}
