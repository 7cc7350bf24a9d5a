package parallel

import (
	"encoding/binary"
	"errors"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
)

// This file lets a Backend send refs inside values (a []ObjectRef argument,
// a struct result holding refs) to other processes, as Ray does: a ref
// arrives as a ref, not as its value. The encoding is the backend's; the
// package supplies the pieces that need ObjectRef's internals:
//
//   - GobEncode and GobDecode give ObjectRef a wire form (its id in the
//     sending process), so encoding/gob can carry values holding refs;
//   - RefsIn finds the refs inside a value, DescribeRef says where a ref's
//     value comes from, so the sender can send a table from wire ids to
//     where each value lives in the cluster next to the encoded value;
//   - BindRef attaches a decoded ref to that table's entry and returns the
//     function that resolves it when the cluster has its value.

// GobEncode implements gob.GobEncoder: a ref's wire form is its id in this
// process. It names the object only together with the table of refs the
// backend sends alongside (see RefsIn and DescribeRef).
func (r ObjectRef) GobEncode() ([]byte, error) {
	return binary.AppendUvarint(nil, r.ID()), nil
}

// GobDecode implements gob.GobDecoder: the ref becomes a new unresolved ref
// that remembers the wire id (DescribeRef's Wire); Get on it blocks until a
// backend binds it with BindRef and resolves it. Wire id 0 decodes as the
// zero ObjectRef.
func (r *ObjectRef) GobDecode(b []byte) error {
	id, n := binary.Uvarint(b)
	if n <= 0 {
		return errors.New("ray: ObjectRef: bad wire form")
	}
	if id == 0 {
		*r = ObjectRef{}
		return nil
	}
	*r = ObjectRef{&object{id: ids.Add(1), dec: &decoded{wire: id}}}
	return nil
}

// decoded is what a ref decoded from another process has besides an
// object: its id there, and what the backend bound to it.
type decoded struct {
	wire    uint64
	foreign atomic.Pointer[any] // set once by BindRef
}

// A RefInfo says where the value of a ref comes from (see DescribeRef).
type RefInfo struct {
	// Object is the ref's id in this process (ObjectRef.ID).
	Object uint64
	// Remote reports that a task this process sent to its backend makes
	// the value; Task is that RemoteTask's ID, Index which of its Results
	// the value is (-1: not one result, as in RemoteArg), Results their
	// types.
	Remote  bool
	Task    uint64
	Index   int
	Results []reflect.Type
	// Wire is the id a decoded ref had in the process that sent it
	// (GobDecode), 0 for refs made here. Foreign is what BindRef attached
	// to it, nil until then.
	Wire    uint64
	Foreign any
}

// DescribeRef describes r for a backend that sends it inside a value. A ref
// that is neither Remote nor decoded (a Put value, an actor call's result,
// a task run in this process) has its value only here: the backend sends
// that value (GetContext) and arranges its release with WatchRelease.
func DescribeRef(r ObjectRef) RefInfo {
	o := r.o
	if o == nil {
		return RefInfo{Index: -1}
	}
	info := RefInfo{Object: o.id, Remote: o.remote, Index: -1}
	if o.dec != nil {
		info.Wire = o.dec.wire
		if f := o.dec.foreign.Load(); f != nil {
			info.Foreign = *f
		}
	}
	if p := o.producer; o.remote && p != nil {
		info.Task = p.id
		for i := range p.f.nres {
			info.Results = append(info.Results, p.f.ft.Out(i))
		}
		switch {
		case len(p.outs) > 1:
			for i, x := range p.outs {
				if x == o {
					info.Index = i
				}
			}
		case p.f.nres == 1:
			info.Index = 0
		}
	}
	return info
}

// BindRef attaches foreign, the backend's description of where the value
// lives, to r, a ref decoded by GobDecode and not bound yet, and returns
// the function that resolves r: with a value (which may be Lazy) or with
// an error. Only the first call of resolve counts. Binding another ref is
// an error.
func BindRef(r ObjectRef, foreign any) (resolve func(v any, err error), err error) {
	o := r.o
	if o == nil || o.dec == nil {
		return nil, invalidf("BindRef of %v: not a decoded ref", r)
	}
	if !o.dec.foreign.CompareAndSwap(nil, &foreign) {
		return nil, invalidf("BindRef of %v: bound already", r)
	}
	return o.resolve, nil
}

// WatchRelease arranges rel.ReleaseObject(r.ID()) once no ref to r's object
// is left in the process, as a connected runtime does for a Put value it
// gives its backend (at most once per object, however often it is called).
func WatchRelease(r ObjectRef, rel Releaser) {
	if o := r.o; o != nil && o.watched.CompareAndSwap(false, true) {
		runtime.AddCleanup(o, rel.ReleaseObject, o.id)
	}
}

// RefsIn returns the refs inside v, in the order encoding/gob visits them:
// through pointers, interfaces, slices, arrays, maps and the exported
// fields of structs (refs in unexported fields are not sent, as gob does
// not send those fields). A pointer met twice is walked once.
func RefsIn(v reflect.Value) []ObjectRef {
	var refs []ObjectRef
	seen := map[uintptr]bool{}
	var walk func(v reflect.Value)
	walk = func(v reflect.Value) {
		if !v.IsValid() || !mayHoldRef(v.Type()) {
			return
		}
		if v.Type() == refType {
			if v.CanInterface() {
				refs = append(refs, v.Interface().(ObjectRef))
			}
			return
		}
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() || seen[v.Pointer()] {
				return
			}
			seen[v.Pointer()] = true
			walk(v.Elem())
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem())
			}
		case reflect.Slice, reflect.Array:
			for i := range v.Len() {
				walk(v.Index(i))
			}
		case reflect.Map:
			it := v.MapRange()
			for it.Next() {
				walk(it.Key())
				walk(it.Value())
			}
		case reflect.Struct:
			t := v.Type()
			for i := range t.NumField() {
				if t.Field(i).IsExported() {
					walk(v.Field(i))
				}
			}
		}
	}
	walk(v)
	return refs
}

var holdsRefCache sync.Map // reflect.Type -> bool

// mayHoldRef reports whether a value of type t can hold an ObjectRef that
// gob sends.
func mayHoldRef(t reflect.Type) bool {
	if v, ok := holdsRefCache.Load(t); ok {
		return v.(bool)
	}
	b := holdsRef(t, map[reflect.Type]bool{})
	holdsRefCache.Store(t, b)
	return b
}

func holdsRef(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if t == refType {
		return true
	}
	if visiting[t] {
		return false
	}
	visiting[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsRef(t.Elem(), visiting)
	case reflect.Map:
		return holdsRef(t.Key(), visiting) || holdsRef(t.Elem(), visiting)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsRef(f.Type, visiting) {
				return true
			}
		}
	}
	return false
}
