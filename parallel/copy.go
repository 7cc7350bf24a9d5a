package parallel

import (
	"reflect"
	"strings"
	"sync"
	"unsafe"
)

// Objects are immutable, as in Ray: a value is copied when it enters the
// object store (a Remote argument, Put, a task's result) and each time it is
// read (Get, GetAll, a ref passed as an argument), so no two holders ever
// share mutable memory through the runtime.
//
// The copy is deep for the value's own data: slices, maps, pointers, arrays,
// structs and interfaces, recursively. Unexported fields of compiled types
// (which reflect cannot set; they are written through unsafe) are copied the
// same way, except pointers in them (directly or in an interface), which are
// shared: in library types they tend to point to shared state, identities or
// an interpreter's internals (yaegi keeps values of cell-defined interface
// types in a struct with an unexported pointer to its syntax tree). So a
// *mat.Dense's data is copied, but a library type's unexported pointer is not.
// Pointers and maps reached twice are copied once, so sharing inside a value
// and cycles are kept. These are not copied but shared as they are, because
// they are immutable, are handles, or say the value is meant to be shared:
//
//   - booleans, numbers and strings (nothing to copy);
//   - funcs, channels and unsafe.Pointer;
//   - values implementing error (errors are immutable by convention, and
//     identity matters to ==, errors.Is);
//   - ObjectRef, *RemoteFunction, *Runtime, *TimelineView and *Actor (handles);
//   - structs of the standard library (time.Time, *os.File, *big.Int,
//     sync.Mutex, ...), copied as Go assignment copies them, and pointers to
//     them shared: their internals may hold identities (time.Local) or
//     resources;
//   - pointers to structs holding a lock (a field whose pointer has a Lock
//     method, like sync.Mutex): the lock says the data is shared on purpose.
//
// Map keys are copied as Go assignment copies them (a pointer key keeps its
// identity). Sub-slices of one array that overlap become independent.

// copyPlan caches, per type, whether a value of it can hold memory that a
// copy must duplicate.
var copyPlan sync.Map // reflect.Type -> bool

// mustCopy reports whether values of t must be copied (see above).
func mustCopy(t reflect.Type) bool {
	if k := t.Kind(); k <= reflect.Complex128 || k == reflect.String {
		return false // booleans and numbers, without a map lookup
	}
	if b, ok := copyPlan.Load(t); ok {
		return b.(bool)
	}
	b := computeMustCopy(t)
	copyPlan.Store(t, b)
	return b
}

func computeMustCopy(t reflect.Type) bool {
	if isSharedType(t) {
		return false
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
		return true
	case reflect.Array:
		return t.Len() > 0 && mustCopy(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if mustCopy(t.Field(i).Type) {
				return true
			}
		}
	}
	return false
}

var (
	lockerType     = reflect.TypeFor[sync.Locker]()
	refType        = reflect.TypeFor[ObjectRef]()
	remoteFuncType = reflect.TypeFor[*RemoteFunction]()
	runtimeType    = reflect.TypeFor[*Runtime]()
	timelineType   = reflect.TypeFor[*TimelineView]()
	actorType      = reflect.TypeFor[*Actor]()
)

// isSharedType reports whether values of t are shared rather than copied.
func isSharedType(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return true
	case reflect.Interface:
		return false
	}
	if t.Implements(errType) {
		return true
	}
	switch t {
	case refType, remoteFuncType, runtimeType, timelineType, actorType:
		return true
	}
	if p := t.PkgPath(); p != "" && t.Kind() == reflect.Struct && isStdPkg(p) {
		return true
	}
	if t.Kind() == reflect.Pointer {
		e := t.Elem()
		return e.Kind() == reflect.Struct && (isSharedType(e) || holdsLock(e, 0))
	}
	return false
}

// isStdPkg reports whether the import path p is in the standard library (its
// first element has no dot).
func isStdPkg(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return !strings.Contains(first, ".")
}

// holdsLock reports whether struct type t contains, by value, a field whose
// pointer type has a Lock method (sync.Mutex, sync.RWMutex, or a noCopy
// marker).
func holdsLock(t reflect.Type, depth int) bool {
	if depth > 8 {
		return false
	}
	for i := range t.NumField() {
		ft := t.Field(i).Type
		if reflect.PointerTo(ft).Implements(lockerType) {
			return true
		}
		if ft.Kind() == reflect.Struct && holdsLock(ft, depth+1) {
			return true
		}
	}
	return false
}

// sharedUnexported reports whether the value of an unexported field is a
// pointer (directly or in an interface), which the copy shares.
func sharedUnexported(f reflect.Value) bool {
	switch f.Kind() {
	case reflect.Pointer:
		return true
	case reflect.Interface:
		return !f.IsNil() && f.Elem().Kind() == reflect.Pointer
	}
	return false
}

// copyAny returns a copy of v that shares no mutable memory with it (see
// the rules above). Values that need no copy are returned as they are.
func copyAny(v any) any {
	switch v.(type) {
	case nil, int, int64, float64, string, bool, ObjectRef, uint64, int32, float32, uint8:
		return v
	}
	rv := reflect.ValueOf(v)
	if !mustCopy(rv.Type()) {
		return v
	}
	var c copier
	return c.copy(rv).Interface()
}

// copyValue is copyAny for a reflect.Value.
func copyValue(v reflect.Value) reflect.Value {
	if !v.IsValid() || !mustCopy(v.Type()) {
		return v
	}
	var c copier
	return c.copy(v)
}

type copyKey struct {
	p uintptr
	t reflect.Type
	n int // slice length; -1 for maps and pointers
}

// copier copies one value, remembering the pointers, maps and slices it
// has copied so that sharing and cycles are kept.
type copier struct {
	seen map[copyKey]reflect.Value
}

func (c *copier) lookup(k copyKey) (reflect.Value, bool) {
	v, ok := c.seen[k]
	return v, ok
}

func (c *copier) remember(k copyKey, v reflect.Value) {
	if c.seen == nil {
		c.seen = map[copyKey]reflect.Value{}
	}
	c.seen[k] = v
}

// copy returns a copy of v, of v's type.
func (c *copier) copy(v reflect.Value) reflect.Value {
	t := v.Type()
	if !mustCopy(t) {
		return v
	}
	switch t.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		k := copyKey{v.Pointer(), t, -1}
		if n, ok := c.lookup(k); ok {
			return n
		}
		n := reflect.New(t.Elem())
		c.remember(k, n)
		c.copyInto(n.Elem(), v.Elem())
		return n
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		k := copyKey{v.Pointer(), t, v.Len()}
		if n, ok := c.lookup(k); ok {
			return n
		}
		n := reflect.MakeSlice(t, v.Len(), v.Len())
		if !mustCopy(t.Elem()) {
			reflect.Copy(n, v)
			return n
		}
		c.remember(k, n)
		for i := range v.Len() {
			c.copyInto(n.Index(i), v.Index(i))
		}
		return n
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		k := copyKey{v.Pointer(), t, -1}
		if n, ok := c.lookup(k); ok {
			return n
		}
		n := reflect.MakeMapWithSize(t, v.Len())
		c.remember(k, n)
		deep := mustCopy(t.Elem())
		it := v.MapRange()
		for it.Next() {
			val := it.Value()
			if deep {
				val = c.copy(val)
			}
			n.SetMapIndex(it.Key(), val)
		}
		return n
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		e := v.Elem()
		if !mustCopy(e.Type()) {
			return v
		}
		n := reflect.New(t).Elem()
		n.Set(c.copy(e))
		return n
	case reflect.Array, reflect.Struct:
		n := reflect.New(t).Elem()
		c.copyInto(n, v)
		return n
	}
	return v
}

// copyInto sets dst, which is settable, to a copy of src (same type).
func (c *copier) copyInto(dst, src reflect.Value) {
	t := src.Type()
	switch t.Kind() {
	case reflect.Array:
		if !mustCopy(t.Elem()) {
			dst.Set(src)
			return
		}
		for i := range src.Len() {
			c.copyInto(dst.Index(i), src.Index(i))
		}
	case reflect.Struct:
		dst.Set(src) // every field, unexported ones included
		if !mustCopy(t) {
			return
		}
		for i := range t.NumField() {
			if !mustCopy(t.Field(i).Type) {
				continue
			}
			f := dst.Field(i)
			if !f.CanSet() { // unexported: reflect may not set it
				f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
				if sharedUnexported(f) {
					continue
				}
			}
			f.Set(c.copy(f)) // f holds src's field, copied by dst.Set
		}
	default:
		dst.Set(c.copy(src))
	}
}
