package cluster

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func double(x int) int { return 2 * x }

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	r.Register("double", double)
	ref, err := r.Ship(reflect.ValueOf(double))
	if err != nil || ref.Name != "double" || len(ref.Decls) != 0 {
		t.Fatalf("Ship(double) = %+v, %v", ref, err)
	}
	fn, err := r.Load(context.Background(), ref, nil)
	if err != nil || fn.Call([]reflect.Value{reflect.ValueOf(4)})[0].Int() != 8 {
		t.Fatalf("Load(double) = %v, %v", fn, err)
	}
	if _, err := r.Ship(reflect.ValueOf(func() {})); err == nil || !strings.Contains(err.Error(), "not registered") {
		t.Errorf("Ship of an unregistered func: %v", err)
	}
	if _, err := r.Load(context.Background(), FuncRef{Name: "nope"}, nil); err == nil {
		t.Error("Load of an unknown name succeeded")
	}
	if _, err := r.Load(context.Background(), FuncRef{Name: "double", Decls: []string{Hash([]byte("x"))}}, nil); err == nil ||
		!strings.Contains(err.Error(), "interpreter loader") {
		t.Errorf("Load with Decls: %v", err)
	}
	if _, err := r.Source("abc"); err == nil {
		t.Error("Source succeeded")
	}
	for _, bad := range []func(){
		func() { r.Register("", double) },
		func() { r.Register("x", 3) },
		func() { r.Register("double", func() {}) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Error("Register did not panic")
				}
			}()
			bad()
		}()
	}
	r.Register("double", double) // the same function again is fine
	if got := r.Names(); !reflect.DeepEqual(got, []string{"double"}) {
		t.Errorf("Names = %v", got)
	}
}
