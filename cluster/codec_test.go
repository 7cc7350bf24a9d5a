package cluster

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

type inner struct {
	Name string
	Tags []string
}

type outer struct {
	N     int
	F     float64
	M     map[string]int
	P     *inner
	In    inner
	T     time.Time
	Bytes []byte
}

type hidden struct{ n int }

type unregistered struct{ A int }

func roundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	val, err := encode(reflect.ValueOf(&v).Elem())
	if err != nil {
		t.Fatalf("encode %T: %v", v, err)
	}
	out, err := decodeData(val.Data, val.Iface, reflect.TypeFor[T]())
	if err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
	res, _ := out.Interface().(T)
	return res
}

func TestCodecRoundTrips(t *testing.T) {
	o := outer{N: 3, F: 2.5, M: map[string]int{"a": 1}, P: &inner{"p", []string{"x"}}, In: inner{Name: "i"},
		T: time.Date(2026, 11, 29, 1, 2, 3, 0, time.UTC), Bytes: []byte("hi")}
	if got := roundTrip(t, o); !reflect.DeepEqual(got, o) {
		t.Errorf("outer: got %+v, want %+v", got, o)
	}
	if got := roundTrip(t, 0); got != 0 {
		t.Errorf("0: got %v", got)
	}
	if got := roundTrip(t, []float64{1, 2}); !reflect.DeepEqual(got, []float64{1, 2}) {
		t.Errorf("slice: got %v", got)
	}
	if got := roundTrip[any](t, 42); got != 42 {
		t.Errorf("any(42): got %#v", got)
	}
	if got := roundTrip[any](t, nil); got != nil {
		t.Errorf("any(nil): got %#v", got)
	}
	if got := roundTrip(t, [2]string{"a", "b"}); got != [2]string{"a", "b"} {
		t.Errorf("array: got %v", got)
	}
}

func TestCodecErrors(t *testing.T) {
	var v any = unregistered{A: 1}
	_, err := encode(reflect.ValueOf(&v).Elem())
	if err == nil || !strings.Contains(err.Error(), "cannot send a cluster.unregistered held in an interface (interface {}): register its type with gob.Register") {
		t.Errorf("unregistered type in an interface: %v", err)
	}
	_, err = encode(reflect.ValueOf(hidden{1}))
	if err == nil || !strings.Contains(err.Error(), "cluster.hidden") {
		t.Errorf("no exported fields: %v", err)
	}
	_, err = encode(reflect.ValueOf(make(chan int)))
	if err == nil {
		t.Error("a channel encoded")
	}
	// Refs inside values travel in their wire form (refs_test.go runs
	// them through a cluster); decoded without a Client to bind them,
	// they are an error.
	r := parallel.Put(1)
	val, err := encode(reflect.ValueOf([]parallel.ObjectRef{r, {}}))
	if err != nil {
		t.Fatalf("refs in a slice: %v", err)
	}
	out, err := decodeData(val.Data, val.Iface, reflect.TypeFor[[]parallel.ObjectRef]())
	if err != nil {
		t.Fatal(err)
	}
	refs := out.Interface().([]parallel.ObjectRef)
	if w := parallel.DescribeRef(refs[0]).Wire; w != r.ID() || refs[0].ID() == r.ID() || refs[1].ID() != 0 {
		t.Errorf("decoded refs %v: wire id %d, want a new ref with wire id %d, then the zero ref", refs, w, r.ID())
	}
	if err := (&Client{}).bindRefs(out, nil, nil); err == nil || !strings.Contains(err.Error(), "missing from its value's table") {
		t.Errorf("bind without a table: %v", err)
	}
	_, err = (&conn{}).load(context.Background(), value{Data: val.Data, Refs: []refMsg{{Wire: r.ID()}}}, out.Type())
	if err == nil || !strings.Contains(err.Error(), "no Client can resolve them") {
		t.Errorf("refs decoded without a Client: %v", err)
	}
	var e error = errors.New("x")
	_, err = encode(reflect.ValueOf(&e).Elem())
	if err == nil || !strings.Contains(err.Error(), "gob.Register") {
		t.Errorf("error value: %v", err)
	}
}
