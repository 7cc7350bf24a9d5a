package cluster

import (
	"encoding"
	"encoding/binary"
	"encoding/gob"
	"fmt"
	"math"
	"reflect"
)

// A value whose static type is a boolean, number, string or byte slice
// (or a type defined on one, without marshaling methods) travels in a raw
// form rather than as a gob stream: a gob encoder and decoder made for one
// int cost a worker more than the rest of a trivial task. The raw form
// starts with rawTag, a byte no gob stream starts with (a stream starts
// with its first message's length, never 0), then the class of the type
// (rawClass) and the value: integers as varints, floats and complex
// numbers as IEEE 754 bits, strings and byte slices as they are (a byte
// slice with a byte saying whether it is nil). It decodes into a type of
// the same class, as gob would (an int into an int8 if it fits, never into
// a uint or a float), with gob's errors for the rest.

const rawTag = 0

// rawClass is the kind of value a raw form holds.
type rawClass byte

const (
	rawNone rawClass = iota // not raw: gob
	rawBool
	rawInt
	rawUint
	rawFloat
	rawComplex
	rawString
	rawBytes
)

var rawClassNames = [...]string{"gob", "bool", "int", "uint", "float", "complex", "string", "[]byte"}

var (
	gobEncoderType  = reflect.TypeFor[gob.GobEncoder]()
	binMarshalType  = reflect.TypeFor[encoding.BinaryMarshaler]()
	textMarshalType = reflect.TypeFor[encoding.TextMarshaler]()
	gobDecoderType  = reflect.TypeFor[gob.GobDecoder]()
	binUnmarshType  = reflect.TypeFor[encoding.BinaryUnmarshaler]()
	textUnmarshType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// classOf returns the raw class of values of type t, rawNone if they
// travel as gob (gob would use t's marshaling methods, if it has any).
func classOf(t reflect.Type) rawClass {
	var c rawClass
	switch t.Kind() {
	case reflect.Bool:
		c = rawBool
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c = rawInt
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c = rawUint
	case reflect.Float32, reflect.Float64:
		c = rawFloat
	case reflect.Complex64, reflect.Complex128:
		c = rawComplex
	case reflect.String:
		c = rawString
	case reflect.Slice:
		if t.Elem().Kind() != reflect.Uint8 || t.Elem().NumMethod() > 0 {
			return rawNone
		}
		c = rawBytes
	default:
		return rawNone
	}
	if t.NumMethod() > 0 || reflect.PointerTo(t).NumMethod() > 0 {
		pt := reflect.PointerTo(t)
		for _, m := range []reflect.Type{gobEncoderType, binMarshalType, textMarshalType, gobDecoderType, binUnmarshType, textUnmarshType} {
			if t.Implements(m) || pt.Implements(m) {
				return rawNone
			}
		}
	}
	return c
}

// encodeRaw returns v's raw form, or false if its type travels as gob.
func encodeRaw(v reflect.Value) ([]byte, bool) {
	c := classOf(v.Type())
	if c == rawNone {
		return nil, false
	}
	b := []byte{rawTag, byte(c)}
	switch c {
	case rawBool:
		if v.Bool() {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	case rawInt:
		b = binary.AppendVarint(b, v.Int())
	case rawUint:
		b = binary.AppendUvarint(b, v.Uint())
	case rawFloat:
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float()))
	case rawComplex:
		z := v.Complex()
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(real(z)))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(imag(z)))
	case rawString:
		b = append(b, v.String()...)
	case rawBytes:
		if v.IsNil() {
			b = append(b, 0)
		} else {
			b = append(b, 1)
			b = append(b, v.Bytes()...)
		}
	}
	return b, true
}

// decodeRaw decodes a raw form (after rawTag) into a value of type t.
func decodeRaw(data []byte, t reflect.Type) (reflect.Value, error) {
	bad := func() (reflect.Value, error) {
		return reflect.Value{}, fmt.Errorf("cluster: cannot decode a value of type %s: damaged data", t)
	}
	if len(data) == 0 || data[0] == byte(rawNone) || int(data[0]) >= len(rawClassNames) {
		return bad()
	}
	c, data := rawClass(data[0]), data[1:]
	if tc := classOf(t); tc != c {
		return reflect.Value{}, fmt.Errorf("cluster: cannot decode a value of type %s: it was sent as %s", t, rawClassNames[c])
	}
	v := reflect.New(t).Elem()
	overflow := func() (reflect.Value, error) {
		return reflect.Value{}, fmt.Errorf("cluster: cannot decode a value of type %s: value out of range", t)
	}
	switch c {
	case rawBool:
		if len(data) != 1 {
			return bad()
		}
		v.SetBool(data[0] != 0)
	case rawInt:
		x, n := binary.Varint(data)
		if n <= 0 || n != len(data) {
			return bad()
		}
		if v.OverflowInt(x) {
			return overflow()
		}
		v.SetInt(x)
	case rawUint:
		x, n := binary.Uvarint(data)
		if n <= 0 || n != len(data) {
			return bad()
		}
		if v.OverflowUint(x) {
			return overflow()
		}
		v.SetUint(x)
	case rawFloat:
		if len(data) != 8 {
			return bad()
		}
		f := math.Float64frombits(binary.LittleEndian.Uint64(data))
		if v.OverflowFloat(f) {
			return overflow()
		}
		v.SetFloat(f)
	case rawComplex:
		if len(data) != 16 {
			return bad()
		}
		z := complex(math.Float64frombits(binary.LittleEndian.Uint64(data)), math.Float64frombits(binary.LittleEndian.Uint64(data[8:])))
		if v.OverflowComplex(z) {
			return overflow()
		}
		v.SetComplex(z)
	case rawString:
		v.SetString(string(data))
	case rawBytes:
		if len(data) == 0 {
			return bad()
		}
		if data[0] != 0 {
			v.SetBytes(append(make([]byte, 0, len(data)-1), data[1:]...))
		}
	}
	return v, nil
}
