package interp

import (
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
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

// updateShapes records the field names of the session's struct types, as
// yaegi's reflect types spell them (an unexported name gets an X prefix),
// for the ones that have a String or Error method or hold a field of such
// a type, when every same-shaped type does: a value of that shape reaching
// fmt is one of them, printed without its methods. s.mu must be held.
func (s *Session) updateShapes() {
	withMethods := map[string]bool{} // String or Error on the type
	ptrOnly := map[string]bool{}     // only on its pointer
	for k, sig := range s.methods {
		if i := strings.LastIndex(k, "."); i > 0 && (k[i+1:] == "String" || k[i+1:] == "Error") {
			if sig.ptrRecv && !withMethods[k[:i]] {
				ptrOnly[k[:i]] = true
				continue
			}
			withMethods[k[:i]] = true
			delete(ptrOnly, k[:i])
		}
	}
	type info struct {
		shape string
		uses  []string
	}
	structs := map[string]info{}
	for name, src := range s.sources {
		if sh, uses, ok := structShape(src); ok {
			structs[name] = info{sh, uses}
		}
	}
	// hides: the type's plain value loses a String or Error method.
	memo := map[string]bool{}
	var hides func(name string, depth int) bool
	hides = func(name string, depth int) bool {
		if withMethods[name] {
			return true
		}
		if r, ok := memo[name]; ok || depth > 20 {
			return r
		}
		memo[name] = false
		for _, u := range structs[name].uses {
			if hides(u, depth+1) {
				memo[name] = true
				return true
			}
		}
		return false
	}
	byShape := map[string][]string{}
	for name, in := range structs {
		byShape[in.shape] = append(byShape[in.shape], name)
	}
	shapes := map[string]shapeInfo{}
	for sh, names := range byShape {
		all, ptr := true, true
		for _, n := range names {
			h := hides(n, 0)
			all = all && (h || ptrOnly[n])
			ptr = ptr && !h
		}
		if all {
			shapes[sh] = shapeInfo{names[0], ptr}
		}
	}
	s.shapes.Store(&shapes)
}

// shapeInfo is a struct type whose plain values lose a String or Error
// method, for hiddenMethods.
type shapeInfo struct {
	name    string
	ptrOnly bool // the method has a pointer receiver: only a pointer loses it
}

// structShape returns the field names of a struct type's source as yaegi's
// reflect type spells them, joined by ",", and the names its field types
// use; false for other types and for structs with embedded fields.
func structShape(src string) (string, []string, bool) {
	x, err := parser.ParseExpr(src)
	if err != nil {
		return "", nil, false
	}
	st, ok := x.(*ast.StructType)
	if !ok {
		return "", nil, false
	}
	var names, uses []string
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			return "", nil, false
		}
		for _, n := range f.Names {
			name := n.Name
			if !ast.IsExported(name) {
				name = "X" + name
			}
			names = append(names, name)
		}
		ast.Inspect(f.Type, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				return false // a package's type
			case *ast.Ident:
				uses = append(uses, n.Name)
			}
			return true
		})
	}
	return strings.Join(names, ","), uses, true
}

// hiddenMethods returns the name of a cell type with a String or Error
// method that v holds in a form fmt cannot call them on (a plain struct,
// or one of yaegi's interface values), or "". It looks at no more than
// budget values.
func (s *Session) hiddenMethods(v reflect.Value) string {
	p := s.shapes.Load()
	if !v.IsValid() || !mayHide(v.Type()) {
		return ""
	}
	budget := 10000
	var walk func(v reflect.Value, viaPtr bool) string
	walk = func(v reflect.Value, viaPtr bool) string {
		budget--
		if budget < 0 || !v.IsValid() {
			return ""
		}
		t := v.Type()
		switch v.Kind() {
		case reflect.Interface:
			if v.IsNil() {
				return ""
			}
			return walk(v.Elem(), false)
		case reflect.Pointer:
			if v.IsNil() {
				return ""
			}
			return walk(v.Elem(), true)
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len() && budget > 0; i++ {
				if n := walk(v.Index(i), false); n != "" {
					return n
				}
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() && budget > 0 {
				if n := walk(it.Key(), false); n != "" {
					return n
				}
				if n := walk(it.Value(), false); n != "" {
					return n
				}
			}
		case reflect.Struct:
			if strings.HasPrefix(t.PkgPath(), yaegiPkg) {
				if _, wrapper := t.FieldByName("IValue"); wrapper {
					return "" // calls the methods
				}
				return "an interface type declared in a cell"
			}
			if t.Name() == "" && p != nil {
				names := make([]string, t.NumField())
				for i := range names {
					names[i] = t.Field(i).Name
				}
				if in, ok := (*p)[strings.Join(names, ",")]; ok && (viaPtr || !in.ptrOnly) {
					return in.name
				}
			}
			for i := 0; i < t.NumField() && budget > 0; i++ {
				if n := walk(v.Field(i), false); n != "" {
					return n
				}
			}
		}
		return ""
	}
	return walk(v, false)
}

// mayHide reports whether a value of type t can hold a cell value fmt
// cannot call methods on: t is or contains an interface, an unnamed struct
// or one of yaegi's types.
func mayHide(t reflect.Type) bool {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type) bool
	walk = func(t reflect.Type) bool {
		if seen[t] {
			return false
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Interface:
			return true
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return walk(t.Elem())
		case reflect.Map:
			return walk(t.Key()) || walk(t.Elem())
		case reflect.Struct:
			if t.Name() == "" || strings.HasPrefix(t.PkgPath(), yaegiPkg) {
				return true
			}
			for i := range t.NumField() {
				if walk(t.Field(i).Type) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}

// contextWithValue is context.WithValue for cells. A key of a struct type
// declared in a cell reaches compiled code as a plain unnamed struct, so
// two key types with the same fields (the usual `type ctxKey struct{}`)
// would be one key: it fails instead.
func contextWithValue(parent context.Context, key, val any) context.Context {
	if t := reflect.TypeOf(key); t != nil && t.Kind() == reflect.Struct && t.Name() == "" {
		panic(&userTypeError{"context.WithValue with a key of a struct type declared in a cell: the interpreter hands compiled code a plain struct, so keys of different types with the same fields collide: use a pointer to a package-level variable as the key (var userKey = new(int)), or run the code in a %%native cell"})
	}
	return context.WithValue(parent, key, val)
}

// jsonSymbols are json.Marshal and json.MarshalIndent for cells: yaegi gives
// a struct declared in a cell exported fields for its unexported ones
// (name becomes Xname), which encoding/json would then encode, so a value
// holding such a struct fails instead. The map types are yaegi's for
// json.Marshal: a cell type's MarshalJSON or MarshalText is called.
func (s *Session) jsonSymbols(mapTypes map[reflect.Value][]reflect.Type) map[string]reflect.Value {
	check := func(v any) {
		if hasCellStruct(reflect.TypeOf(v), true) {
			panic(&userTypeError{"json.Marshal of a struct declared in a cell with unexported fields: the interpreter exports them (as Xname), so they would be encoded: give the struct only exported fields (with json tags), or run the code in a %%native cell"})
		}
	}
	marshal := reflect.ValueOf(func(v any) ([]byte, error) { check(v); return json.Marshal(v) })
	indent := reflect.ValueOf(func(v any, prefix, indent string) ([]byte, error) {
		check(v)
		return json.MarshalIndent(v, prefix, indent)
	})
	ifaces := []reflect.Type{reflect.TypeFor[json.Marshaler](), reflect.TypeFor[encoding.TextMarshaler]()}
	mapTypes[marshal], mapTypes[indent] = ifaces, ifaces
	return map[string]reflect.Value{"Marshal": marshal, "MarshalIndent": indent}
}
