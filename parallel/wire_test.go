package parallel

import (
	"bytes"
	"encoding/gob"
	"errors"
	"reflect"
	"testing"
)

type wireBox struct {
	Refs []ObjectRef
	M    map[string]ObjectRef
	Any  any
	Ptr  *ObjectRef
	hid  ObjectRef
	N    int
}

// TestRefWireForm: refs inside a value round-trip through gob as new,
// unresolved refs that remember their wire ids; RefsIn finds them, and
// BindRef's resolve makes Get return the value.
func TestRefWireForm(t *testing.T) {
	gob.Register(ObjectRef{})
	a, b, c, d := Put(1), Put(2), Put(3), Put(4)
	in := wireBox{Refs: []ObjectRef{a, {}}, M: map[string]ObjectRef{"b": b}, Any: c, Ptr: &d, hid: a, N: 5}
	if got := RefsIn(reflect.ValueOf(in)); len(got) != 5 { // a, zero, b, c, d (not hid)
		t.Fatalf("RefsIn = %v, want 5 refs", got)
	}
	if got := RefsIn(reflect.ValueOf([]int{1, 2})); got != nil {
		t.Errorf("RefsIn([]int) = %v", got)
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(&in); err != nil {
		t.Fatal(err)
	}
	var out wireBox
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out.Refs[1] != (ObjectRef{}) {
		t.Errorf("the zero ref decoded as %v", out.Refs[1])
	}
	pairs := map[ObjectRef]ObjectRef{out.Refs[0]: a, out.M["b"]: b, out.Any.(ObjectRef): c, *out.Ptr: d}
	for got, sent := range pairs {
		info := DescribeRef(got)
		if info.Wire != sent.ID() || got.ID() == sent.ID() || info.Foreign != nil || info.Remote {
			t.Errorf("decoded %v: %+v, want a new ref with wire id %d", got, info, sent.ID())
		}
	}
	r := out.Refs[0]
	resolve, err := BindRef(r, "where")
	if err != nil {
		t.Fatal(err)
	}
	if f := DescribeRef(r).Foreign; f != "where" {
		t.Errorf("Foreign = %v", f)
	}
	if _, err := BindRef(r, "again"); !errors.Is(err, ErrInvalidCall) {
		t.Errorf("second BindRef: %v", err)
	}
	if _, err := BindRef(a, "x"); !errors.Is(err, ErrInvalidCall) {
		t.Errorf("BindRef of a Put ref: %v", err)
	}
	if r.Ready() {
		t.Fatal("a decoded ref is ready before it is resolved")
	}
	resolve(Lazy(func() (any, error) { return 41 + 1, nil }), nil)
	if v := Get(r); v != 42 {
		t.Errorf("Get of the resolved ref = %v, want 42", v)
	}
}
