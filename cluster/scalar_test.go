package cluster

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

type celsius float64

type label string

// level has a text marshaler, which gob uses: it travels as gob.
type level int

func (l level) MarshalText() ([]byte, error) { return []byte(strings.Repeat("*", int(l))), nil }
func (l *level) UnmarshalText(b []byte) error {
	*l = level(len(b))
	return nil
}

func TestRawRoundTrips(t *testing.T) {
	check := func(v any) {
		t.Helper()
		rv := reflect.ValueOf(v)
		val, err := encode(rv)
		if err != nil {
			t.Fatalf("encode %T: %v", v, err)
		}
		if len(val.Data) == 0 || val.Data[0] != rawTag {
			t.Errorf("%T %v did not take the raw form", v, v)
		}
		out, err := decodeData(val.Data, val.Iface, rv.Type())
		if err != nil {
			t.Fatalf("decode %T: %v", v, err)
		}
		if got := out.Interface(); !reflect.DeepEqual(got, v) {
			t.Errorf("%T: got %#v, want %#v", v, got, v)
		}
	}
	for _, v := range []any{true, false, 0, -1, math.MaxInt64, math.MinInt64, int8(-128), int16(300), int32(-7), int64(1 << 40),
		uint(0), uint8(255), uint16(65535), uint32(1 << 31), uint64(math.MaxUint64), uintptr(12),
		0.0, -2.5, math.Inf(1), float32(1.5), math.SmallestNonzeroFloat64, complex(1, -2), complex64(3i),
		"", "héllo", []byte{}, []byte{0, 1, 2}, []byte(nil), celsius(21.5), label("x"), time.Duration(5)} {
		check(v)
	}
	// NaN is not equal to itself.
	val, _ := encode(reflect.ValueOf(math.NaN()))
	if out, err := decodeData(val.Data, false, reflect.TypeFor[float64]()); err != nil || !math.IsNaN(out.Float()) {
		t.Errorf("NaN: %v, %v", out, err)
	}
	// A type with marshaling methods goes through gob, which uses them.
	val, err := encode(reflect.ValueOf(level(3)))
	if err != nil || len(val.Data) == 0 || val.Data[0] == rawTag {
		t.Fatalf("level: %v %v", val.Data, err)
	}
	if out, err := decodeData(val.Data, false, reflect.TypeFor[level]()); err != nil || out.Interface() != level(3) {
		t.Errorf("level: %v, %v", out, err)
	}
}

// TestRawConversions checks that a raw value decodes into another type of
// its class when it fits, and fails otherwise, as gob does.
func TestRawConversions(t *testing.T) {
	enc := func(v any) []byte {
		val, err := encode(reflect.ValueOf(v))
		if err != nil {
			t.Fatal(err)
		}
		return val.Data
	}
	if out, err := decodeData(enc(100), false, reflect.TypeFor[int8]()); err != nil || out.Interface() != int8(100) {
		t.Errorf("int 100 into int8: %v, %v", out, err)
	}
	if out, err := decodeData(enc(1.5), false, reflect.TypeFor[celsius]()); err != nil || out.Interface() != celsius(1.5) {
		t.Errorf("float64 into celsius: %v, %v", out, err)
	}
	for _, c := range []struct {
		v    any
		into reflect.Type
		want string
	}{
		{300, reflect.TypeFor[int8](), "out of range"},
		{uint(70000), reflect.TypeFor[uint16](), "out of range"},
		{1e300, reflect.TypeFor[float32](), "out of range"},
		{-1, reflect.TypeFor[uint](), "sent as int"},
		{1, reflect.TypeFor[float64](), "sent as int"},
		{"s", reflect.TypeFor[[]byte](), "sent as string"},
		{2, reflect.TypeFor[level](), "sent as int"},
		{3, reflect.TypeFor[any](), "sent as int"},
	} {
		_, err := decodeData(enc(c.v), false, c.into)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T %v into %s: %v, want an error saying %q", c.v, c.v, c.into, err, c.want)
		}
	}
	// Damaged raw forms fail.
	for _, c := range []struct {
		data []byte
		into reflect.Type
	}{
		{[]byte{rawTag}, reflect.TypeFor[int]()},
		{[]byte{rawTag, 99}, reflect.TypeFor[int]()},
		{[]byte{rawTag, byte(rawInt)}, reflect.TypeFor[int]()},
		{[]byte{rawTag, byte(rawInt), 2, 2}, reflect.TypeFor[int]()},
		{[]byte{rawTag, byte(rawFloat), 1, 2}, reflect.TypeFor[float64]()},
		{[]byte{rawTag, byte(rawBool)}, reflect.TypeFor[bool]()},
		{[]byte{rawTag, byte(rawBytes)}, reflect.TypeFor[[]byte]()},
	} {
		if _, err := decodeData(c.data, false, c.into); err == nil || !strings.Contains(err.Error(), "damaged") {
			t.Errorf("%v into %s: %v, want a damaged-data error", c.data, c.into, err)
		}
	}
}
