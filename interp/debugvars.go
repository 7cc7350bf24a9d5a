package interp

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"

	yaegi "github.com/traefik/yaegi/interp"
)

// Variables as the debugger shows them. Values are read with reflect only:
// no String or Error method runs (it could run interpreted code, and stop
// at a breakpoint, while the request is answered).

// The step modes of yaegi's debugger.
const (
	stepOver = yaegi.DebugStepOver
	stepInto = yaegi.DebugStepInto
	stepOut  = yaegi.DebugStepOut
)

// namedValue is a variable, field, element or map entry.
type namedValue struct {
	name string
	v    reflect.Value
}

// maxChildren bounds the elements and entries listed for one value.
const maxChildren = 100

// maxValueLen bounds the text of one value.
const maxValueLen = 200

// globals returns the variables of the cells (yaegi's main package),
// without warren's own, sorted by name.
func (s *Session) globals() []namedValue {
	var out []namedValue
	for name, v := range s.i.Globals() {
		if userName(name) && v.IsValid() && v.Kind() != reflect.Func {
			out = append(out, namedValue{name, v})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// deref strips interfaces (yaegi keeps some values boxed).
func deref(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v
}

// typeString is v's type as Go spells it (reflect's name for the types of
// cells, which yaegi builds with reflect).
func typeString(v reflect.Value) string {
	v = deref(v)
	if !v.IsValid() {
		return "nil"
	}
	return v.Type().String()
}

// compiledString is v's String or Error method when v's type is a named
// type of compiled Go (time.Duration, *big.Int): its methods run no
// interpreted code. Types of cells (yaegi builds them with reflect, without
// a package path) are shown field by field.
func compiledString(v reflect.Value) (s string, ok bool) {
	t := v.Type()
	named := t
	if t.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "", false
		}
		named = t.Elem()
	}
	if named.PkgPath() == "" || !v.CanInterface() {
		return "", false
	}
	defer func() {
		if recover() != nil {
			s, ok = "", false
		}
	}()
	switch x := v.Interface().(type) {
	case error:
		return x.Error(), true
	case fmt.Stringer:
		return x.String(), true
	}
	return "", false
}

// hasChildren reports whether the debugger lists parts of v.
func hasChildren(v reflect.Value) bool {
	v = deref(v)
	if !v.IsValid() {
		return false
	}
	switch v.Kind() {
	case reflect.Struct:
		return v.NumField() > 0
	case reflect.Slice, reflect.Array, reflect.Map:
		return v.Len() > 0
	case reflect.Pointer:
		return !v.IsNil() && deref(v.Elem()).Kind() == reflect.Struct
	}
	return false
}

// children lists the fields, elements or entries of v.
func children(v reflect.Value) []namedValue {
	v = deref(v)
	if !v.IsValid() {
		return nil
	}
	var out []namedValue
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return children(v.Elem())
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			out = append(out, namedValue{v.Type().Field(i).Name, v.Field(i)})
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len() && i < maxChildren; i++ {
			out = append(out, namedValue{strconv.Itoa(i), v.Index(i)})
		}
	case reflect.Map:
		keys := v.MapKeys()
		names := make([]string, len(keys))
		idx := make([]int, len(keys))
		for i, k := range keys {
			names[i], idx[i] = formatValue(k), i
		}
		sort.Slice(idx, func(a, b int) bool { return names[idx[a]] < names[idx[b]] })
		for n, i := range idx {
			if n == maxChildren {
				break
			}
			out = append(out, namedValue{names[i], v.MapIndex(keys[i])})
		}
	}
	return out
}

// formatValue is v as %v prints it without methods, cut at maxValueLen.
func formatValue(v reflect.Value) string {
	b := appendValue(nil, v, 0)
	if len(b) > maxValueLen {
		b = append(b[:maxValueLen], "…"...)
	}
	return string(b)
}

func appendValue(b []byte, v reflect.Value, depth int) []byte {
	v = deref(v)
	if !v.IsValid() {
		return append(b, "<nil>"...)
	}
	if len(b) > maxValueLen {
		return b
	}
	if str, ok := compiledString(v); ok {
		return append(b, str...)
	}
	switch v.Kind() {
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.AppendUint(b, v.Uint(), 10)
	case reflect.Float32:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 32)
	case reflect.Float64:
		return strconv.AppendFloat(b, v.Float(), 'g', -1, 64)
	case reflect.Complex64, reflect.Complex128:
		return fmt.Append(b, v.Complex())
	case reflect.String:
		if depth == 0 {
			return strconv.AppendQuote(b, v.String())
		}
		return append(b, v.String()...)
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, "<nil>"...)
		}
		if depth == 0 && deref(v.Elem()).Kind() == reflect.Struct {
			return appendValue(append(b, '&'), v.Elem(), depth+1)
		}
		return fmt.Appendf(b, "%#x", v.Pointer())
	case reflect.Struct:
		b = append(b, '{')
		for i := 0; i < v.NumField(); i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			b = appendValue(b, v.Field(i), depth+1)
		}
		return append(b, '}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			return append(b, "[]"...)
		}
		b = append(b, '[')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b = append(b, ' ')
			}
			if len(b) > maxValueLen {
				break
			}
			b = appendValue(b, v.Index(i), depth+1)
		}
		return append(b, ']')
	case reflect.Map:
		keys := v.MapKeys()
		texts := make([]string, len(keys))
		for i, k := range keys {
			texts[i] = string(appendValue(nil, k, depth+1))
		}
		idx := make([]int, len(keys))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return texts[idx[a]] < texts[idx[b]] })
		b = append(b, "map["...)
		for n, i := range idx {
			if n > 0 {
				b = append(b, ' ')
			}
			if len(b) > maxValueLen {
				break
			}
			b = append(b, texts[i]...)
			b = append(b, ':')
			b = appendValue(b, v.MapIndex(keys[i]), depth+1)
		}
		return append(b, ']')
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		if v.IsNil() {
			return append(b, "<nil>"...)
		}
		return fmt.Appendf(b, "%#x", v.Pointer())
	}
	return append(b, v.Type().String()...)
}
