package cluster

import (
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// Refs inside values travel as refs, as in Ray: a value holding
// ObjectRefs (a []ray.ObjectRef argument, a struct result with a ref
// field, a Put value holding refs) is gob-encoded with each ref in its
// wire form (its id in the sending process; parallel.ObjectRef.GobEncode),
// and the value carries a table (value.Refs) saying, for each wire id,
// where the ref's value lives in objectBucket: the result key of the task
// that makes it, or an upload key. The receiving Client binds every ref it
// decodes to its entry (parallel.BindRef) and resolves it once that key
// holds a value, so Get, GetAll and Wait work on it in any process.
//
// Lifetime: a value named by a ref inside another value (the carrier)
// stays in the cluster while the carrier can still be read:
//   - the sender holds the refs inside a task's arguments until it
//     releases the task's result (no ref to it is left in the process:
//     parallel.Releaser), and those of a Put value as long as the Put
//     object;
//   - a worker holds the refs inside a task's result until the process
//     that owns the result deletes it (it publishes a release notice,
//     releaseSubject, when it deletes a result that carried refs, and
//     one for its whole session at Close);
//   - a ref decoded from a task's result keeps that task alive in the
//     decoding process (so its result, and the refs the worker holds for
//     it, stay).
// A ref whose value exists only in the sending process (a Put value, an
// actor call's result) is uploaded when the carrier is encoded (an actor
// call's result is waited for first) and deleted once the sender holds no
// ref to it.

// refMsg is one entry of a value's table of refs.
type refMsg struct {
	_     struct{} `cbor:",toarray"`
	Wire  uint64   // the ref's wire id in the encoded value
	Key   string   // its value's key in objectBucket: a result ("r.…") or an upload ("p.…")
	Index int      // which value of a result; -1: all of them (as []any), or an upload
	Types []string // the type names of the result's values, or of the upload
}

// foreignRef is what a Client binds to a ref it decoded.
type foreignRef struct {
	refMsg
	keep any // what must stay alive while the ref is: the carrier's task, if any
}

// releaseSubject prefixes the core-NATS subject on which a process that
// deletes a result that carried refs tells the workers holding them:
// releaseSubject + "." + key, or + ".s." + session at Close.
const releaseSubject = "warren.release"

func init() { gob.Register(parallel.ObjectRef{}) }

// encodeRefs encodes v like encode, with a table for the refs inside it;
// carrier, if not empty, is the result key whose release drops the refs
// this process holds for v: the key of the task v is an argument of, or
// under which v is stored as a result.
func (c *conn) encodeRefs(ctx context.Context, carrier string, v reflect.Value) (value, error) {
	val, err := encode(v)
	if err != nil || c.client == nil {
		return val, err
	}
	refs := parallel.RefsIn(v)
	if len(refs) == 0 {
		return val, nil
	}
	cl := c.client
	for _, r := range refs {
		if r.ID() == 0 {
			continue
		}
		m, err := cl.refMsg(ctx, r)
		if err != nil {
			return value{}, fmt.Errorf("cluster: cannot send %v inside a %s: %w", r, v.Type(), err)
		}
		val.Refs = append(val.Refs, m)
	}
	if carrier != "" {
		cl.mu.Lock()
		if !cl.closed {
			cl.pins[carrier] = append(cl.pins[carrier], refs...)
		}
		cl.mu.Unlock()
	}
	return val, nil
}

// refMsg describes where the value of r lives, uploading it if only this
// process has it.
func (cl *Client) refMsg(ctx context.Context, r parallel.ObjectRef) (refMsg, error) {
	info := parallel.DescribeRef(r)
	switch {
	case info.Foreign != nil:
		m := info.Foreign.(*foreignRef).refMsg
		m.Wire = info.Object
		return m, nil
	case info.Wire != 0:
		return refMsg{}, errors.New("the ref was decoded but not bound to a cluster")
	case info.Remote:
		m := refMsg{Wire: info.Object, Key: cl.resultKey(info.Task), Index: info.Index}
		for _, t := range info.Results {
			m.Types = append(m.Types, typeName(t))
		}
		return m, nil
	}
	ukey := "p." + cl.sess + "." + strconv.FormatUint(info.Object, 10)
	m := refMsg{Wire: info.Object, Key: ukey, Index: -1}
	x, err := parallel.GetContext(ctx, r)
	if err != nil {
		return refMsg{}, err
	}
	v := reflect.ValueOf(&x).Elem()
	if x != nil {
		v = v.Elem()
	}
	m.Types = []string{typeName(v.Type())}
	cl.mu.Lock()
	_, done := cl.uploads[info.Object]
	cl.mu.Unlock()
	if done {
		return m, nil
	}
	val, err := cl.c.encodeRefs(ctx, "", v)
	if err != nil {
		return refMsg{}, err
	}
	if err := cl.putValue(ukey, val); err != nil {
		return refMsg{}, err
	}
	cl.mu.Lock()
	cl.uploads[info.Object] = ukey
	cl.mu.Unlock()
	parallel.WatchRelease(r, cl)
	return m, nil
}

// bindRefs binds the refs decoded in v to their entries of table and
// starts resolving them; keep stays alive as long as they do.
func (cl *Client) bindRefs(v reflect.Value, table []refMsg, keep any) error {
	byWire := make(map[uint64]refMsg, len(table))
	for _, m := range table {
		byWire[m.Wire] = m
	}
	for _, r := range parallel.RefsIn(v) {
		info := parallel.DescribeRef(r)
		if info.Wire == 0 || info.Foreign != nil {
			continue
		}
		m, ok := byWire[info.Wire]
		if !ok {
			return fmt.Errorf("cluster: a decoded ref (%d) is missing from its value's table", info.Wire)
		}
		resolve, err := parallel.BindRef(r, &foreignRef{refMsg: m, keep: keep})
		if err != nil {
			return err
		}
		cl.mu.Lock()
		if cl.closed {
			cl.mu.Unlock()
			resolve(nil, errors.New("cluster: client closed"))
			continue
		}
		ctx, cancel := context.WithCancelCause(cl.ctx)
		f := &fetch{key: m.Key, cancel: cancel}
		cl.fetching[f] = true
		cl.wg.Add(1)
		cl.mu.Unlock()
		go cl.fetchRef(ctx, f, m, keep, resolve)
	}
	return nil
}

// A fetch is a wait for the value of a decoded ref (fetchRef).
type fetch struct {
	key    string
	cancel context.CancelCauseFunc
}

// errOwnerGone ends the wait for a ref whose owner session closed.
var errOwnerGone = errors.New("the process that owns the value ended its session (ray.Shutdown) before the value was stored")

// fetchRef waits until m's key holds a value and resolves the ref with it,
// unless ctx ends first (the Client closes, or the session owning the key
// ends).
func (cl *Client) fetchRef(ctx context.Context, f *fetch, m refMsg, keep any, resolve func(any, error)) {
	defer cl.wg.Done()
	defer func() {
		cl.mu.Lock()
		delete(cl.fetching, f)
		cl.mu.Unlock()
		f.cancel(nil)
	}()
	stopped := func() error { // why ctx ended
		if cause := context.Cause(ctx); errors.Is(cause, errOwnerGone) {
			return fmt.Errorf("cluster: %s: %w", m.Key, cause)
		}
		return errors.New("cluster: client closed")
	}
	w, err := cl.c.objects.Watch(ctx, m.Key)
	if err != nil {
		if ctx.Err() != nil {
			err = stopped()
		}
		resolve(nil, fmt.Errorf("cluster: watch %s: %w", m.Key, err))
		return
	}
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-ctx.Done():
			resolve(nil, stopped())
			return
		case e, ok := <-w.Updates():
			if !ok {
				resolve(nil, fmt.Errorf("cluster: watch %s ended", m.Key))
				return
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			resolve(cl.refValue(m, e.Value(), keep))
			return
		}
	}
}

// refValue decodes the value m names from data, its key's entry.
func (cl *Client) refValue(m refMsg, data []byte, keep any) (any, error) {
	one := func(val value, name string, lazy bool) (any, error) {
		t, err := lookupType(name)
		if err != nil {
			return nil, err
		}
		if lazy && val.Blob != "" { // fetched only if read
			return parallel.Lazy(func() (any, error) {
				v, err := cl.c.loadKeep(cl.ctx, val, t, keep)
				if err != nil {
					return nil, err
				}
				return v.Interface(), nil
			}), nil
		}
		v, err := cl.c.loadKeep(cl.ctx, val, t, keep)
		if err != nil {
			return nil, err
		}
		return v.Interface(), nil
	}
	if strings.HasPrefix(m.Key, "p.") {
		var val value
		if err := val.unmarshal(data); err != nil || len(m.Types) != 1 {
			return nil, fmt.Errorf("cluster: decode %s: %v", m.Key, err)
		}
		return one(val, m.Types[0], true)
	}
	var rm resultMsg
	if err := rm.unmarshal(data); err != nil {
		return nil, fmt.Errorf("cluster: decode %s: %w", m.Key, err)
	}
	if rm.Err != "" {
		return nil, &RemoteError{Message: rm.Err, Type: rm.ErrType, System: rm.System}
	}
	if len(rm.Vals) != len(m.Types) {
		return nil, fmt.Errorf("cluster: %s holds %d values, not %d", m.Key, len(rm.Vals), len(m.Types))
	}
	if m.Index >= 0 {
		if m.Index >= len(rm.Vals) {
			return nil, fmt.Errorf("cluster: %s holds no value %d", m.Key, m.Index)
		}
		return one(rm.Vals[m.Index], m.Types[m.Index], true)
	}
	if len(rm.Vals) == 0 {
		return nil, nil
	}
	all := make([]any, len(rm.Vals))
	for i, val := range rm.Vals {
		v, err := one(val, m.Types[i], false)
		if err != nil {
			return nil, err
		}
		all[i] = v
	}
	return all, nil
}

// onRelease drops the refs held for a released carrier (or for all the
// carriers of a closed session).
func (cl *Client) onRelease(msg *nats.Msg) {
	key := strings.TrimPrefix(msg.Subject, releaseSubject+".")
	if sess, ok := strings.CutPrefix(key, "s."); ok {
		cl.dropSession(sess)
		return
	}
	cl.mu.Lock()
	delete(cl.pins, key)
	cl.mu.Unlock()
}

// dropSession drops the refs held for the carriers of the session sess,
// which ended or died, and ends the waits for its values.
func (cl *Client) dropSession(sess string) {
	owned := func(k string) bool { return strings.HasPrefix(k, "r."+sess+".") || strings.HasPrefix(k, "p."+sess+".") }
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for k := range cl.pins {
		if owned(k) {
			delete(cl.pins, k)
		}
	}
	for f := range cl.fetching {
		if owned(f.key) {
			f.cancel(errOwnerGone)
		}
	}
}

// Types by name, for the values of refs decoded from other processes: a
// ref's value is decoded into the type its sender named, which this
// process must know. It knows the predeclared types and types built from
// them ([]int, map[string][]float64, ...), and every type it has encoded
// or decoded, or seen as a parameter or result of a function it ran,
// shipped or registered.
var knownTypes sync.Map // type name → reflect.Type

// typeName names t for lookupType, noting it.
func typeName(t reflect.Type) string {
	noteType(t)
	return t.String()
}

var notedTypes sync.Map // reflect.Type → bool: in knownTypes

// noteType makes t known by name.
func noteType(t reflect.Type) {
	if _, ok := notedTypes.Load(t); ok {
		return
	}
	notedTypes.Store(t, true)
	knownTypes.LoadOrStore(t.String(), t)
}

// noteFuncTypes makes ft's parameter and result types known.
func noteFuncTypes(ft reflect.Type) {
	for i := range ft.NumIn() {
		noteType(ft.In(i))
	}
	for i := range ft.NumOut() {
		noteType(ft.Out(i))
	}
}

var predeclared = map[string]reflect.Type{
	"bool": reflect.TypeFor[bool](), "string": reflect.TypeFor[string](), "error": errType,
	"int": reflect.TypeFor[int](), "int8": reflect.TypeFor[int8](), "int16": reflect.TypeFor[int16](),
	"int32": reflect.TypeFor[int32](), "int64": reflect.TypeFor[int64](), "uint": reflect.TypeFor[uint](),
	"uint8": reflect.TypeFor[uint8](), "uint16": reflect.TypeFor[uint16](), "uint32": reflect.TypeFor[uint32](),
	"uint64": reflect.TypeFor[uint64](), "uintptr": reflect.TypeFor[uintptr](), "float32": reflect.TypeFor[float32](),
	"float64": reflect.TypeFor[float64](), "complex64": reflect.TypeFor[complex64](), "complex128": reflect.TypeFor[complex128](),
	"interface {}": reflect.TypeFor[any](), "parallel.ObjectRef": refType,
}

// lookupType returns the type named name (see knownTypes).
func lookupType(name string) (reflect.Type, error) {
	if t, ok := knownTypes.Load(name); ok {
		return t.(reflect.Type), nil
	}
	if t, ok := predeclared[name]; ok {
		return t, nil
	}
	if e, err := parser.ParseExpr(name); err == nil {
		if t := buildType(e); t != nil {
			return t, nil
		}
	}
	return nil, fmt.Errorf("cluster: a ref's value is a %s, a type this process has not met: pass the ref as an argument of a task (or return it) whose signature uses %s, or Get it where it is made", name, name)
}

// buildType builds the type e denotes from predeclared and known types.
func buildType(e ast.Expr) reflect.Type {
	named := func(s string) reflect.Type {
		if t, ok := predeclared[s]; ok {
			return t
		}
		if t, ok := knownTypes.Load(s); ok {
			return t.(reflect.Type)
		}
		return nil
	}
	switch e := e.(type) {
	case *ast.Ident:
		return named(e.Name)
	case *ast.SelectorExpr:
		if x, ok := e.X.(*ast.Ident); ok {
			return named(x.Name + "." + e.Sel.Name)
		}
	case *ast.InterfaceType:
		if e.Methods == nil || len(e.Methods.List) == 0 {
			return predeclared["interface {}"]
		}
	case *ast.StarExpr:
		if t := buildType(e.X); t != nil {
			return reflect.PointerTo(t)
		}
	case *ast.MapType:
		k, v := buildType(e.Key), buildType(e.Value)
		if k != nil && v != nil && k.Comparable() {
			return reflect.MapOf(k, v)
		}
	case *ast.ArrayType:
		t := buildType(e.Elt)
		if t == nil {
			return nil
		}
		if e.Len == nil {
			return reflect.SliceOf(t)
		}
		if l, ok := e.Len.(*ast.BasicLit); ok {
			if n, err := strconv.Atoi(l.Value); err == nil {
				return reflect.ArrayOf(n, t)
			}
		}
	}
	return nil
}
