package interp

import (
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"
)

// fmt for cells. yaegi hands fmt's functions a value of a cell type with
// methods wrapped in a struct of its own whose methods call the
// interpreted ones, choosing the wrapper from a list of interfaces per
// function (its "map types"). Stock yaegi lists fmt.Formatter and
// fmt.Stringer, so a cell error type prints as a plain struct (`&{1}`
// instead of its Error text) and a type with both methods prints String
// where Go prints Error; and %d of a Stringer prints the wrapper struct.
// The session's fmt functions list Formatter, error and Stringer in Go's
// order of precedence, and hand a verb that does not call those methods
// (%d, %f, …) the wrapped value itself, as Go does. Where the answer would
// still be wrong — %T of a cell type, %+v and %#v of a struct whose field
// names yaegi changed — they fail with a clear error instead.

// fmtExports returns the session's fmt printing functions (under a key
// that makes yaegi merge them into package fmt without re-running its own
// fmt setup, which would replace Print, Printf and Println again) and their
// map types; it makes the printing functions of logSyms, the session's
// package log, format as they do.
func (s *Session) fmtExports(logSyms map[string]reflect.Value) (syms map[string]reflect.Value, mapTypes map[reflect.Value][]reflect.Type) {
	out := writer{s, "stdout"}
	syms = map[string]reflect.Value{
		"Print":    reflect.ValueOf(func(a ...any) (int, error) { return fmt.Fprint(out, s.cellArgs("", a)...) }),
		"Println":  reflect.ValueOf(func(a ...any) (int, error) { return fmt.Fprintln(out, s.cellArgs("", a)...) }),
		"Printf":   reflect.ValueOf(func(f string, a ...any) (int, error) { return fmt.Fprintf(out, f, s.cellArgs(f, a)...) }),
		"Sprint":   reflect.ValueOf(func(a ...any) string { return fmt.Sprint(s.cellArgs("", a)...) }),
		"Sprintln": reflect.ValueOf(func(a ...any) string { return fmt.Sprintln(s.cellArgs("", a)...) }),
		"Sprintf":  reflect.ValueOf(func(f string, a ...any) string { return fmt.Sprintf(f, s.cellArgs(f, a)...) }),
		"Fprint":   reflect.ValueOf(func(w io.Writer, a ...any) (int, error) { return fmt.Fprint(w, s.cellArgs("", a)...) }),
		"Fprintln": reflect.ValueOf(func(w io.Writer, a ...any) (int, error) { return fmt.Fprintln(w, s.cellArgs("", a)...) }),
		"Fprintf":  reflect.ValueOf(func(w io.Writer, f string, a ...any) (int, error) { return fmt.Fprintf(w, f, s.cellArgs(f, a)...) }),
		"Errorf":   reflect.ValueOf(func(f string, a ...any) error { return fmt.Errorf(f, s.cellArgs(f, a)...) }),
	}
	ifaces := []reflect.Type{
		reflect.TypeOf((*fmt.Formatter)(nil)).Elem(),
		reflect.TypeOf((*error)(nil)).Elem(),
		reflect.TypeOf((*fmt.Stringer)(nil)).Elem(),
	}
	mapTypes = map[reflect.Value][]reflect.Type{}
	for _, v := range syms {
		mapTypes[v] = ifaces
	}
	s.logExports(logSyms, mapTypes, ifaces)
	return syms, mapTypes
}

// logExports returns logSyms (the session's package log) with its printing
// functions formatting their arguments as the session's fmt does, and adds
// them to mapTypes.
func (s *Session) logExports(logSyms map[string]reflect.Value, mapTypes map[reflect.Value][]reflect.Type, ifaces []reflect.Type) {
	for _, name := range []string{"Print", "Println", "Panic", "Panicln", "Fatal", "Fatalln"} {
		f, ok := logSyms[name].Interface().(func(...any))
		if !ok {
			continue
		}
		v := reflect.ValueOf(func(a ...any) { f(s.cellArgs("", a)...) })
		logSyms[name], mapTypes[v] = v, ifaces
	}
	for _, name := range []string{"Printf", "Panicf", "Fatalf"} {
		f, ok := logSyms[name].Interface().(func(string, ...any))
		if !ok {
			continue
		}
		v := reflect.ValueOf(func(format string, a ...any) { f(format, s.cellArgs(format, a)...) })
		logSyms[name], mapTypes[v] = v, ifaces
	}
}

// fmtKey is the Exports key of the session's fmt functions: package fmt,
// spelled so that yaegi's Use does not take it for the standard library.
const fmtKey = "fmt/./fmt"

// A verbUse is how a format uses one argument.
type verbUse struct {
	methods bool // a verb for which fmt calls Error or String (v s q x X)
	other   bool // a verb that formats the value itself (d, f, …)
	typ     bool // %T
	plusV   bool // %+v or %#v
	sharpV  bool // %#v
}

// formatUses returns how format uses each of n arguments, as fmt.Printf
// numbers them (explicit [i] indexes and * widths included).
func formatUses(format string, n int) []verbUse {
	uses := make([]verbUse, n)
	for _, v := range formatVerbs(format) {
		if v.arg < 0 || v.arg >= n {
			continue
		}
		u := &uses[v.arg]
		switch v.verb {
		case 'v':
			u.methods = true
			u.plusV = u.plusV || v.plusV
			u.sharpV = u.sharpV || v.sharpV
		case 's', 'q', 'x', 'X', 'w':
			u.methods = true
		case 'T':
			u.typ = true
		default:
			u.other = true
		}
	}
	return uses
}

// A verbAt is one verb of a format: the argument it formats and where the
// verb letter is.
type verbAt struct {
	arg    int
	verb   rune
	pos    int  // byte offset of the verb letter in the format
	plusV  bool // %+v or %#v
	sharpV bool // %#v
	star   bool // a * width or precision precedes it
}

// formatVerbs returns the verbs of format in order, numbering arguments as
// fmt.Printf does.
func formatVerbs(format string) []verbAt {
	var verbs []verbAt
	arg := 0
	index := func(i int) (int, int) { // parses "[k]" at format[i:]
		if i < len(format) && format[i] == '[' {
			j := strings.IndexByte(format[i:], ']')
			if j < 0 {
				return arg, i
			}
			k := 0
			for _, c := range format[i+1 : i+j] {
				if c < '0' || c > '9' {
					return arg, i + j + 1
				}
				k = k*10 + int(c-'0')
			}
			return k - 1, i + j + 1
		}
		return arg, i
	}
	for i := 0; i < len(format); {
		if format[i] != '%' {
			i++
			continue
		}
		i++
		plus, sharp := false, false
		for i < len(format) && strings.IndexByte("+-# 0", format[i]) >= 0 {
			plus = plus || format[i] == '+'
			sharp = sharp || format[i] == '#'
			i++
		}
		star := false
		arg, i = index(i)
		if i < len(format) && format[i] == '*' {
			arg++
			i++
			star = true
		}
		for i < len(format) && format[i] >= '0' && format[i] <= '9' {
			i++
		}
		if i < len(format) && format[i] == '.' {
			i++
			arg, i = index(i)
			if i < len(format) && format[i] == '*' {
				arg++
				i++
				star = true
			}
			for i < len(format) && format[i] >= '0' && format[i] <= '9' {
				i++
			}
		}
		arg, i = index(i)
		if i >= len(format) {
			break
		}
		verb, size := utf8.DecodeRuneInString(format[i:])
		if verb == '%' {
			i += size
			continue
		}
		verbs = append(verbs, verbAt{arg: arg, verb: verb, pos: i, plusV: verb == 'v' && (plus || sharp), sharpV: verb == 'v' && sharp, star: star})
		i += size
		arg++
	}
	return verbs
}

// cellArgs returns the arguments of a fmt call of format ("" for Print and
// Println, which use %v) as Go would see them, or panics with a clear error
// where fmt would print something else than compiled Go.
func (s *Session) cellArgs(format string, args []any) []any {
	var uses []verbUse
	if format != "" {
		uses = formatUses(format, len(args))
	}
	out := args
	for i, a := range args {
		var u verbUse
		if uses != nil {
			u = uses[i]
		}
		w, wrapped := unwrapCell(a)
		switch {
		case u == verbUse{typ: true} && isStdinFile(a):
			// %T of os.Stdin, which is not an *os.File in a cell (see
			// stdinFile): what Go prints.
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = (*os.File)(nil)
		case u.typ && (wrapped || hasCellStruct(reflect.TypeOf(a), false)):
			panic(&userTypeError{"%T of a value whose type is declared in a cell prints the interpreter's type, not the cell's: print the type name yourself (a type switch), or run the code in a %%native cell"})
		case u.sharpV && hasCellStruct(reflect.TypeOf(w), false):
			panic(&userTypeError{"%#v prints a struct declared in a cell as an unnamed struct type (struct { … }), not by its name: use %+v or %v, or run the code in a %%native cell"})
		case u.plusV && hasCellStruct(reflect.TypeOf(w), true):
			panic(&userTypeError{"%+v and %#v print the fields of a struct declared in a cell under names the interpreter changed: use %v, or print the fields yourself, or run the code in a %%native cell"})
		case !wrapped && (uses == nil || u.methods):
			if name := s.hiddenMethods(reflect.ValueOf(a)); name != "" {
				if strings.HasPrefix(name, "an interface") {
					panic(&userTypeError{"fmt cannot print a slice, map or struct holding values of " + name + ": the interpreter hands compiled code its internal form: print the elements one by one, or run the code in a %%native cell"})
				}
				panic(&userTypeError{"fmt cannot call the String or Error method of " + name + ", a type declared in a cell, inside this value: the interpreter hands compiled code a plain value: call the method yourself (x.String()), or run the code in a %%native cell"})
			}
		case wrapped && u.other && u.methods:
			panic(&userTypeError{"one argument formatted both with %v/%s and with a verb like %d: the interpreter can give fmt only one of the two for a value whose type is declared in a cell: pass the value twice, or run the code in a %%native cell"})
		case wrapped && u.other:
			if &out[0] == &args[0] {
				out = append([]any(nil), args...)
			}
			out[i] = w
		}
	}
	return out
}

// unwrapCell returns the value inside one of yaegi's interface wrappers,
// and whether a was one.
func unwrapCell(a any) (any, bool) {
	v := reflect.ValueOf(a)
	if !v.IsValid() || v.Kind() != reflect.Struct || !strings.HasPrefix(v.Type().PkgPath(), yaegiPkg) {
		return a, false
	}
	f := v.FieldByName("IValue")
	if !f.IsValid() || !f.CanInterface() {
		return a, false
	}
	return f.Interface(), true
}

// hasCellStruct reports whether t is or contains (through pointers, slices,
// arrays and maps) an unnamed struct type, the form yaegi gives a struct
// declared in a cell; with renamed, only one with a field yaegi renamed
// (an unexported field name prefixed with X).
func hasCellStruct(t reflect.Type, renamed bool) bool {
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type) bool
	walk = func(t reflect.Type) bool {
		if t == nil || seen[t] {
			return false
		}
		seen[t] = true
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array:
			return walk(t.Elem())
		case reflect.Map:
			return walk(t.Key()) || walk(t.Elem())
		case reflect.Struct:
			if t.Name() != "" {
				return false
			}
			if !renamed {
				return true
			}
			for i := range t.NumField() {
				f := t.Field(i)
				if r, _ := utf8.DecodeRuneInString(f.Name[min(1, len(f.Name)):]); len(f.Name) > 1 && f.Name[0] == 'X' && (unicode.IsLower(r) || r == '_') {
					return true
				}
				if walk(f.Type) {
					return true
				}
			}
		}
		return false
	}
	return walk(t)
}
