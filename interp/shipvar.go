package interp

// Top-level variables travel by value. A task function that uses a
// top-level variable of the cells (directly or through what it calls) is
// shipped with the variable's current value, written as Go source, as Ray
// pickles the globals a function uses. The worker is sent two units: the
// declaration, var name T, and an assignment of the value, both named by
// this log's id (each notebook session has its own variable on a worker;
// see shipbind.go for how a worker keeps the functions bound to it), the
// assignment also by a version counted up each time the value changes.
// So a task sees the value the variable had when it was submitted, or a
// later one (as in process); a worker skips an assignment older than one
// it applied (tasks may arrive out of order).
//
// A value travels if its type is made of Go's predeclared types only
// (booleans, numbers, strings, and slices, arrays, maps and empty
// interfaces of them) and its source is at most maxVarSource bytes;
// other variables are refused at submit, saying why and what to do.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// maxVarSource bounds the source of a value that travels with a function.
const maxVarSource = 64 << 10

// A varCapture is what the workers are sent of one top-level variable.
type varCapture struct {
	decl *declUnit // var name T
	cur  *declUnit // the assignment of the latest value
	lit  string    // cur's value
	n    int       // cur's version (shipLog.assigns when it was made)
}

// A capturedVar is a variable a shipped function uses, with the value it
// was shipped with: ShipFunc's cached answer stands while the value does.
type capturedVar struct {
	d    *declUnit
	name string
	lit  string
}

// varKey names a variable of a unit (a unit may declare several).
type varKey struct {
	d    *declUnit
	name string
}

// assignHead starts the source of an assignment unit, after its
// //warren:cell line: the log's id, the variable and the version.
const assignHead = "// value of %s version %d of log %s\n"

// captureVar returns the units giving a worker the current value of the
// top-level variable name that unit d declared, or why it cannot travel.
// The caller holds l.mu.
func (l *shipLog) captureVar(d *declUnit, name string) ([]*declUnit, capturedVar, error) {
	typ, lit, err := l.varSource(d, name)
	if err != nil {
		return nil, capturedVar{}, err
	}
	k := varKey{d, name}
	c := l.captures[k]
	if c == nil {
		c = &varCapture{decl: l.logCapture(d, fmt.Sprintf("// variable of log %s\nvar %s %s", l.id, name, typ), 0)}
		c.decl.names = []string{name}
		if l.captures == nil {
			l.captures = map[varKey]*varCapture{}
		}
		l.captures[k] = c
	}
	if c.cur == nil || c.lit != lit {
		if c.cur != nil {
			delete(l.byHash, c.cur.hash) // superseded: no later ship names it
		}
		l.assigns++ // one count for all: a variable declared again goes on counting
		c.n = l.assigns
		c.cur = l.logCapture(d, fmt.Sprintf(assignHead+"%s = %s", name, c.n, l.id, name, lit), math.MaxInt32+c.n)
		c.lit = lit
	}
	return []*declUnit{c.decl, c.cur}, capturedVar{d, name, lit}, nil
}

// staleAssign reports, on a worker, whether src is an assignment unit
// older than one of the same log and variable already applied; else it
// notes src's version as applied. The caller holds l.loadMu.
func (l *shipLog) staleAssign(src string) bool {
	_, rest, _ := strings.Cut(src, "\n")
	var name, id string
	var n int
	if _, err := fmt.Sscanf(rest, assignHead, &name, &n, &id); err != nil {
		return false
	}
	k := id + " " + name
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.applied[k] >= n {
		return true
	}
	l.applied[k] = n
	return false
}

// logCapture logs the source of a capture under d's cell and line; seq
// places it among the units a function needs (0: before every
// declaration; the assignments after them all).
func (l *shipLog) logCapture(d *declUnit, src string, seq int) *declUnit {
	u := &declUnit{kind: unitVar, cell: d.cell, line: d.line, seq: seq}
	u.setSource(src)
	l.byHash[u.hash] = u
	return u
}

// varsCurrent reports whether every variable in vars still has the value
// it was shipped with. The caller holds l.mu.
func (l *shipLog) varsCurrent(vars []capturedVar) bool {
	for _, v := range vars {
		if _, lit, err := l.varSource(v.d, v.name); err != nil || lit != v.lit {
			return false
		}
	}
	return true
}

// varSource returns the type and the current value, as Go source, of the
// top-level variable name of unit d, or why they cannot be written.
func (l *shipLog) varSource(d *declUnit, name string) (typ, lit string, err error) {
	if l.varOf == nil {
		return "", "", fmt.Errorf("this session cannot read its variables")
	}
	typ, v := l.varOf(name)
	if typ == "" {
		typ = d.vtypes[name]
	}
	if typ == "" || !v.IsValid() {
		if v.IsValid() {
			if v.Kind() == reflect.Interface && !v.IsNil() {
				v = v.Elem() // how the interpreter keeps some values
			}
			if _, ok := typeSource(v.Type()); !ok {
				return "", "", fmt.Errorf("its value, a %s, %w", v.Type(), notPredeclared())
			}
		}
		return "", "", fmt.Errorf("warren cannot tell its type (declare it with one: var %s T = …)", name)
	}
	t, err := parser.ParseExpr(typ)
	if err != nil {
		return "", "", fmt.Errorf("warren cannot read its type %s", typ)
	}
	var b strings.Builder
	if err := writeValue(&b, t, v, true); err != nil {
		return "", "", fmt.Errorf("its value of type %s %w", typ, err)
	}
	return typ, b.String(), nil
}

// shipVar returns the value of the top-level variable name and its type
// as go/types told it when its cell ran ("" if it could not): varOf.
func (s *Session) shipVar(name string) (string, reflect.Value) {
	s.mu.Lock()
	stub, _ := s.stubSrc.get(name)
	s.mu.Unlock()
	typ, _ := strings.CutPrefix(stub, "var "+name+" ")
	if typ == stub {
		typ = ""
	}
	return typ, s.global(name)
}

// basicKinds are the predeclared types a value may have, by name.
var basicKinds = map[string]reflect.Kind{
	"bool": reflect.Bool, "string": reflect.String,
	"int": reflect.Int, "int8": reflect.Int8, "int16": reflect.Int16, "int32": reflect.Int32, "rune": reflect.Int32, "int64": reflect.Int64,
	"uint": reflect.Uint, "uint8": reflect.Uint8, "byte": reflect.Uint8, "uint16": reflect.Uint16, "uint32": reflect.Uint32, "uint64": reflect.Uint64, "uintptr": reflect.Uintptr,
	"float32": reflect.Float32, "float64": reflect.Float64, "complex64": reflect.Complex64, "complex128": reflect.Complex128,
}

// writeValue writes v, whose declared type is t, as a Go expression: with
// its type if top, else as an element of a composite literal (types of
// composite elements elided, constants untyped). It fails unless t is
// made of predeclared types, or when the source grows past maxVarSource.
func writeValue(b *strings.Builder, t ast.Expr, v reflect.Value, top bool) error {
	if b.Len() > maxVarSource {
		return fmt.Errorf("is more than %d KB as Go source", maxVarSource>>10)
	}
	if isEmptyInterface(t) {
		return writeDynamic(b, v)
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem() // how the interpreter keeps some values
	}
	switch t := t.(type) {
	case *ast.Ident:
		k, ok := basicKinds[t.Name]
		if !ok || v.Kind() != k || v.Type().PkgPath() != "" {
			return notPredeclared()
		}
		s, err := constSource(v)
		if err != nil {
			return err
		}
		if top && k != reflect.String && k != reflect.Bool {
			s = t.Name + "(" + s + ")"
		}
		b.WriteString(s)
		return nil
	case *ast.ArrayType:
		if t.Len == nil {
			if v.Kind() != reflect.Slice {
				return notPredeclared()
			}
			if v.IsNil() {
				writeNil(b, t, top)
				return nil
			}
		} else if lit, ok := t.Len.(*ast.BasicLit); !ok || lit.Kind != token.INT || v.Kind() != reflect.Array || lit.Value != strconv.Itoa(v.Len()) {
			return notPredeclared()
		}
		if top {
			b.WriteString(types.ExprString(t))
		}
		b.WriteByte('{')
		for i := range v.Len() {
			if i > 0 {
				b.WriteString(", ")
			}
			if err := writeValue(b, t.Elt, v.Index(i), false); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case *ast.MapType:
		if v.Kind() != reflect.Map {
			return notPredeclared()
		}
		if v.IsNil() {
			writeNil(b, t, top)
			return nil
		}
		entries := make([]string, 0, v.Len())
		size := b.Len()
		for it := v.MapRange(); it.Next(); {
			var e strings.Builder
			if err := writeValue(&e, t.Key, it.Key(), false); err != nil {
				return err
			}
			e.WriteString(": ")
			if err := writeValue(&e, t.Value, it.Value(), false); err != nil {
				return err
			}
			if size += e.Len() + 2; size > maxVarSource {
				return fmt.Errorf("is more than %d KB as Go source", maxVarSource>>10)
			}
			entries = append(entries, e.String())
		}
		slices.Sort(entries) // the same map, the same source
		if top {
			b.WriteString(types.ExprString(t))
		}
		b.WriteString("{" + strings.Join(entries, ", ") + "}")
		return nil
	}
	return notPredeclared()
}

// writeNil writes a nil slice or map of type t.
func writeNil(b *strings.Builder, t ast.Expr, top bool) {
	if top {
		b.WriteString(types.ExprString(t) + "(nil)")
	} else {
		b.WriteString("nil")
	}
}

// writeDynamic writes the value of an empty interface with its dynamic
// type, which must be made of predeclared types.
func writeDynamic(b *strings.Builder, v reflect.Value) error {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			b.WriteString("nil")
			return nil
		}
		v = v.Elem()
	}
	src, ok := typeSource(v.Type())
	if !ok {
		return fmt.Errorf("holds a %s, whose type is not made of Go's predeclared types", v.Type())
	}
	t, err := parser.ParseExpr(src)
	if err != nil {
		return fmt.Errorf("holds a %s: %w", src, err)
	}
	return writeValue(b, t, v, true)
}

// typeSource writes t as Go source if it is made of predeclared types.
func typeSource(t reflect.Type) (string, bool) {
	if t.PkgPath() != "" {
		return "", false
	}
	switch t.Kind() {
	case reflect.Slice:
		e, ok := typeSource(t.Elem())
		return "[]" + e, ok
	case reflect.Array:
		e, ok := typeSource(t.Elem())
		return "[" + strconv.Itoa(t.Len()) + "]" + e, ok
	case reflect.Map:
		k, ok1 := typeSource(t.Key())
		e, ok2 := typeSource(t.Elem())
		return "map[" + k + "]" + e, ok1 && ok2
	case reflect.Interface:
		return "any", t.NumMethod() == 0
	}
	if k, ok := basicKinds[t.Name()]; ok && k == t.Kind() {
		return t.Name(), true
	}
	return "", false
}

// constSource writes a value of a predeclared type as a constant that gives
// it back exactly.
func constSource(v reflect.Value) (string, error) {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.String:
		return strconv.Quote(v.String()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return floatSource(v.Float(), v.Type().Bits())
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		re, err := floatSource(real(c), v.Type().Bits()/2)
		if err != nil {
			return "", err
		}
		im, err := floatSource(imag(c), v.Type().Bits()/2)
		if err != nil {
			return "", err
		}
		return "complex(" + re + ", " + im + ")", nil
	}
	return "", fmt.Errorf("has a %s", v.Type())
}

// floatSource writes f as a constant, unless no constant is f (NaN, the
// infinities, negative zero).
func floatSource(f float64, bits int) (string, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || (f == 0 && math.Signbit(f)) {
		return "", fmt.Errorf("holds %v, which no Go constant is", f)
	}
	return strconv.FormatFloat(f, 'g', -1, bits), nil
}

// isEmptyInterface reports whether t is any or interface{}.
func isEmptyInterface(t ast.Expr) bool {
	switch t := t.(type) {
	case *ast.Ident:
		return t.Name == "any"
	case *ast.InterfaceType:
		return t.Methods == nil || len(t.Methods.List) == 0
	}
	return false
}

func notPredeclared() error {
	return fmt.Errorf("is not made of Go's predeclared types: only booleans, numbers, strings, and slices, arrays, maps and empty interfaces of them travel")
}

// literalType returns the type of a variable declared with value e as e
// says it (a composite literal's type, a basic literal's default type),
// or "".
func literalType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.ParenExpr:
		return literalType(e.X)
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			return literalType(e.X)
		}
	case *ast.CompositeLit:
		if e.Type != nil {
			return types.ExprString(e.Type)
		}
	case *ast.BasicLit:
		return map[token.Token]string{token.INT: "int", token.FLOAT: "float64", token.IMAG: "complex128", token.CHAR: "rune", token.STRING: "string"}[e.Kind]
	}
	return ""
}

// specTypes returns the types of the variables of a var spec, as its
// source says them (see literalType).
func specTypes(sp *ast.ValueSpec) map[string]string {
	m := map[string]string{}
	for i, n := range sp.Names {
		switch {
		case sp.Type != nil:
			m[n.Name] = types.ExprString(sp.Type)
		case len(sp.Values) == len(sp.Names):
			if t := literalType(sp.Values[i]); t != "" {
				m[n.Name] = t
			}
		}
	}
	return m
}
