package cluster

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"sync"
)

// FuncRef identifies a function a worker can run. It travels with every task
// and must be encodable with encoding/gob.
type FuncRef struct {
	_     struct{} `cbor:",toarray"`
	Name  string   // what the Loader resolves
	Decls []string // content hashes of source units the Loader must load first, in order (empty for compiled registries)
}

// Shipper runs on the driver: Ship is called at submit; an error means the function cannot run on a cluster and is the submit's error.
//
// Ship turns a func value into a FuncRef a worker's Loader resolves. Source
// returns the bytes of a source unit named by a hash in some FuncRef's Decls
// (workers fetch them through the cluster); it fails for an unknown hash.
// Both may be called concurrently.
type Shipper interface {
	Ship(fn reflect.Value) (FuncRef, error)
	Source(hash string) ([]byte, error)
}

// Loader runs on a worker.
//
// Load returns the func value ref names, loading first the source units of
// ref.Decls it has not loaded yet; fetch gets a unit's bytes by hash from the
// driver's Shipper through the cluster. Load may be called concurrently.
type Loader interface {
	Load(ctx context.Context, ref FuncRef, fetch func(ctx context.Context, hash string) ([]byte, error)) (reflect.Value, error)
}

// A Registry maps names to compiled Go functions. It is both the Shipper of a
// compiled driver and the Loader of a compiled worker: both processes register
// the same functions under the same names (typically in an init function or
// at the start of main). Its FuncRefs have no Decls. The zero Registry is not
// usable; create one with NewRegistry. A Registry is safe for concurrent use.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]reflect.Value
	byPC   map[uintptr]string // code pointer → name, for Ship
}

// NewRegistry returns an empty Registry.
func NewRegistry() *Registry {
	return &Registry{byName: map[string]reflect.Value{}, byPC: map[uintptr]string{}}
}

// Register makes fn known under name. It panics if fn is not a non-nil
// function or name is empty or already registered to another function.
// A function is found by Ship through its code pointer, so two closures of
// one function literal are the same function to a Registry: register only
// top-level functions or closures that capture nothing.
func (r *Registry) Register(name string, fn any) {
	v := reflect.ValueOf(fn)
	if name == "" || v.Kind() != reflect.Func || v.IsNil() {
		panic(fmt.Sprintf("cluster: Register(%q, %T): need a name and a non-nil function", name, fn))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.byName[name]; ok && old.Pointer() != v.Pointer() {
		panic(fmt.Sprintf("cluster: Register: %q is already registered to another function", name))
	}
	r.byName[name] = v
	noteFuncTypes(v.Type())
	if _, ok := r.byPC[v.Pointer()]; !ok {
		r.byPC[v.Pointer()] = name
	}
}

// Names returns the registered names, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.byName))
	for n := range r.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Ship returns the FuncRef of a registered function, or an error saying that
// fn must be registered (with the same name on every worker) to run on a
// cluster.
func (r *Registry) Ship(fn reflect.Value) (FuncRef, error) {
	if fn.Kind() != reflect.Func || fn.IsNil() {
		return FuncRef{}, fmt.Errorf("cluster: cannot ship %s: not a function", fn.Type())
	}
	r.mu.RLock()
	name, ok := r.byPC[fn.Pointer()]
	r.mu.RUnlock()
	if !ok {
		return FuncRef{}, fmt.Errorf("cluster: function %s is not registered: call Registry.Register with the same name in the driver and in every worker", fn.Type())
	}
	return FuncRef{Name: name}, nil
}

// Source fails: a Registry ships no source.
func (r *Registry) Source(hash string) ([]byte, error) {
	return nil, fmt.Errorf("cluster: a Registry has no source unit %s", hash)
}

// Load returns the function registered under ref.Name. A ref with Decls
// comes from a Shipper that ships source, which a Registry cannot load.
func (r *Registry) Load(ctx context.Context, ref FuncRef, fetch func(ctx context.Context, hash string) ([]byte, error)) (reflect.Value, error) {
	if len(ref.Decls) > 0 {
		return reflect.Value{}, fmt.Errorf("cluster: function %q needs %d source units but this worker has only compiled functions (start the worker with an interpreter loader)", ref.Name, len(ref.Decls))
	}
	r.mu.RLock()
	v, ok := r.byName[ref.Name]
	r.mu.RUnlock()
	if !ok {
		return reflect.Value{}, fmt.Errorf("cluster: this worker has no function %q registered", ref.Name)
	}
	return v, nil
}

// Hash returns the content hash used in FuncRef.Decls for a source unit:
// hex SHA-256 of its bytes. Shippers and Loaders use it so that workers can
// check what they fetched.
func Hash(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}
