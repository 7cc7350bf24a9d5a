package interp

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// The builtins print and println. yaegi writes them to the cell's stdout;
// Go writes them to standard error, in a format of its own (no spaces
// between print's operands, complex numbers as (1+2i)). Calls of the
// builtins (not of a cell's own print function) become calls of the
// session's Print and Println, which do as Go does.

// printBuiltin writes args as the builtin print (ln false) or println
// would, to the session's os.Stderr.
func (s *Session) printBuiltin(ln bool, args ...any) {
	var b strings.Builder
	for i, a := range args {
		if ln && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(printValue(a))
	}
	if ln {
		b.WriteByte('\n')
	}
	// Through the os.Stderr pipe, as Go's println and os.Stderr share the
	// process's standard error and its order.
	s.stderr.w.Write([]byte(b.String()))
}

// printValue formats one operand of print or println.
func printValue(a any) string {
	v := reflect.ValueOf(a)
	if !v.IsValid() {
		return "nil"
	}
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10)
	case reflect.Float32:
		return printFloat(v.Float(), 32)
	case reflect.Float64:
		return printFloat(v.Float(), 64)
	case reflect.Complex64, reflect.Complex128:
		bits := 64
		if v.Kind() == reflect.Complex64 {
			bits = 32
		}
		c := v.Complex()
		im := printFloat(imag(c), bits)
		if !strings.HasPrefix(im, "+") && !strings.HasPrefix(im, "-") && im != "NaN" {
			im = "+" + im
		}
		return "(" + printFloat(real(c), bits) + im + "i)"
	case reflect.String:
		return v.String()
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return fmt.Sprintf("%#x", v.Pointer())
	case reflect.Slice:
		return fmt.Sprintf("[%d/%d]%#x", v.Len(), v.Cap(), v.Pointer())
	}
	return fmt.Sprint(a)
}

// printFloat formats f as the builtin println of Go 1.26 does: the
// shortest representation that reads back as f at its size (2.5, 1e+21),
// NaN, +Inf and -Inf.
func printFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}
