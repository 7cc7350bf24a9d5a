package cluster

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// Values cross processes encoded with encoding/gob, by static type: a value
// whose static type (the function's parameter or result type) is concrete
// is encoded as that type and decoded into the type the reader expects,
// which gob matches field by field; a value whose static type is an
// interface (any, error, fmt.Stringer, ...) travels as a gob interface
// value, so its dynamic type must be registered with gob.Register in every
// process, unless it is a predeclared type (int, string, []byte, ...).
// Channels, functions and unexported struct fields do not travel; a struct
// with no exported fields cannot be sent. These are gob's rules; a value
// that breaks them fails with an error naming its type.
// Booleans, numbers, strings and byte slices skip gob for a raw form of
// their own with the same rules (see scalar.go).

// A value is an encoded value (gob, or the raw form of scalar.go): in Data,
// or in the object store under Blob when larger than inlineMax.
type value struct {
	_     struct{} `cbor:",toarray"`
	Data  []byte
	Blob  string
	Iface bool     // encoded as an interface value (see ifaceBox)
	Refs  []refMsg // the refs inside the value (see refs.go)
}

// ifaceBox carries a value whose static type is an interface.
type ifaceBox struct{ V any }

// encode encodes v, of static type v.Type().
func encode(v reflect.Value) (value, error) {
	if raw, ok := encodeRaw(v); ok { // see scalar.go
		noteType(v.Type())
		return value{Data: raw}, nil
	}
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	t := v.Type()
	noteType(t)
	if t.Kind() == reflect.Interface {
		if err := enc.Encode(&ifaceBox{V: v.Interface()}); err != nil {
			return value{}, encodeError(t, v, err)
		}
		return value{Data: buf.Bytes(), Iface: true}, nil
	}
	p := reflect.New(t)
	p.Elem().Set(v)
	if t.Kind() == reflect.Pointer && t.Implements(gobEncoderType) {
		// gob (Go 1.26) crashes on a pointer to a pointer whose type has
		// GobEncode (a *ray.Actor): encode the pointer itself.
		p = v
	}
	if err := enc.EncodeValue(p); err != nil {
		return value{}, encodeError(t, v, err)
	}
	return value{Data: buf.Bytes()}, nil
}

var refType = reflect.TypeFor[parallel.ObjectRef]()

func encodeError(t reflect.Type, v reflect.Value, err error) error {
	if strings.Contains(err.Error(), "not registered") {
		return fmt.Errorf("cluster: cannot send a %s held in an interface (%s): register its type with gob.Register in the driver and in every worker: %w",
			dynType(v), t, err)
	}
	return fmt.Errorf("cluster: cannot send a value of type %s with encoding/gob: %w", t, err)
}

func dynType(v reflect.Value) string {
	if v.Kind() == reflect.Interface && !v.IsNil() {
		return v.Elem().Type().String()
	}
	return v.Type().String()
}

// decode decodes data, encoded by encode, into a value of type t.
func decodeData(data []byte, iface bool, t reflect.Type) (reflect.Value, error) {
	noteType(t)
	if !iface && len(data) > 0 && data[0] == rawTag {
		return decodeRaw(data[1:], t)
	}
	dec := gob.NewDecoder(bytes.NewReader(data))
	if iface {
		var box ifaceBox
		if err := dec.Decode(&box); err != nil {
			return reflect.Value{}, fmt.Errorf("cluster: cannot decode a value for %s: %w", t, err)
		}
		out := reflect.New(t).Elem()
		if box.V == nil {
			return out, nil
		}
		bv := reflect.ValueOf(box.V)
		if !bv.Type().AssignableTo(t) {
			if !bv.Type().ConvertibleTo(t) || bv.Kind() != t.Kind() {
				return reflect.Value{}, fmt.Errorf("cluster: a value of type %s cannot be used as %s", bv.Type(), t)
			}
			bv = bv.Convert(t)
		}
		out.Set(bv)
		return out, nil
	}
	if t.Kind() == reflect.Interface {
		return reflect.Value{}, fmt.Errorf("cluster: a value sent as a concrete type cannot be decoded into %s", t)
	}
	p := reflect.New(t)
	if err := dec.DecodeValue(p); err != nil {
		return reflect.Value{}, fmt.Errorf("cluster: cannot decode a value of type %s: %w", t, err)
	}
	return p.Elem(), nil
}

// store writes the encoded value to the cluster: large values go to the
// object store under name, small ones stay in val.Data.
func (c *conn) store(ctx context.Context, name string, val value) (value, error) {
	if len(val.Data) <= inlineMax {
		return val, nil
	}
	meta := jetstream.ObjectMeta{Name: name, Opts: &jetstream.ObjectMetaOptions{ChunkSize: c.chunkSize()}}
	if _, err := c.blobs.Put(ctx, meta, bytes.NewReader(val.Data)); err != nil {
		return value{}, fmt.Errorf("cluster: store %s (%d bytes): %w", name, len(val.Data), err)
	}
	c.cache.add(name, val.Data)
	return value{Blob: name, Iface: val.Iface, Refs: val.Refs}, nil
}

// load decodes val into a value of type t, fetching it from the object
// store if needed.
func (c *conn) load(ctx context.Context, val value, t reflect.Type) (reflect.Value, error) {
	return c.loadKeep(ctx, val, t, nil)
}

// loadKeep is load binding the refs inside the value to the connection's
// Client; keep stays alive as long as they do.
func (c *conn) loadKeep(ctx context.Context, val value, t reflect.Type, keep any) (reflect.Value, error) {
	data := val.Data
	if val.Blob != "" {
		var ok bool
		if data, ok = c.cache.get(val.Blob); !ok {
			var err error
			if data, err = c.blobs.GetBytes(ctx, val.Blob); err != nil {
				return reflect.Value{}, fmt.Errorf("cluster: fetch %s: %w", val.Blob, err)
			}
			c.cache.add(val.Blob, data)
		}
	}
	v, err := decodeData(data, val.Iface, t)
	if err != nil || len(val.Refs) == 0 {
		return v, err
	}
	if c.client == nil {
		return reflect.Value{}, fmt.Errorf("cluster: a %s holding refs arrived where no Client can resolve them", t)
	}
	if err := c.client.bindRefs(v, val.Refs, keep); err != nil {
		return reflect.Value{}, err
	}
	return v, nil
}

// chunkSize is the size of the chunks of a large value in the object
// store: 512 KB (four times the object store's default: fewer messages to
// publish, acknowledge and deliver), less if the server's message limit is
// smaller.
func (c *conn) chunkSize() uint32 {
	const size = 512 << 10
	if limit := c.nc.MaxPayload() - 16<<10; limit < size { // room for headers
		return uint32(max(limit, 16<<10))
	}
	return size
}

// paramType returns the type of argument i of a function of type ft
// (after its context.Context, if any).
func paramType(ft reflect.Type, i int) reflect.Type {
	if ft.NumIn() > 0 && ft.In(0) == ctxType {
		i++
	}
	if ft.IsVariadic() && i >= ft.NumIn()-1 {
		return ft.In(ft.NumIn() - 1).Elem()
	}
	return ft.In(i)
}

var ctxType = reflect.TypeFor[context.Context]()

// taskMsg is a task in the task stream.
type taskMsg struct {
	_          struct{} `cbor:",toarray"`
	Key        string   // result key in objectBucket: "r.<session>.<task id>"
	Func       FuncRef
	Owner      string // the session of the driver owning the task (driver.go); "" if none
	Name       string
	Args       []argMsg
	CPUs       float64
	Res        map[string]float64
	NumReturns int // refs the submitter holds: 0, 1, or the number of results
	MaxRetries int // system-failure retries (-1: Ray's default, 3)
	RetryExc   bool
	Actor      *actorMsg // an actor's constructor: the worker keeps the actor (actor.go)
}

// argMsg is one argument: a value, or the key of a result or uploaded value
// (Index: which result of that task; -1 with Whole: all its results as a
// []any).
type argMsg struct {
	_     struct{} `cbor:",toarray"`
	Val   value
	Key   string
	Index int
	Whole bool
}

// resultMsg is what a worker stores under a task's key.
type resultMsg struct {
	_       struct{} `cbor:",toarray"`
	Vals    []value
	Err     string // the task's failure, "" on success
	ErrType string // the dynamic type of the cause
	System  bool   // not the task's own failure (worker died, no such function, ...)
	Stack   []string
	Attempt int
	Proc    string
	Pid     int
	Slot    int
	Start   time.Time
	End     time.Time
	Host    string // an actor's constructor: the subject prefix of the worker keeping it
}

// A RemoteError is the cause of a task that failed on a worker: the error it
// returned or panicked with there, as text (errors do not cross processes
// as values), or a system failure.
type RemoteError struct {
	Message string // the cause's Error()
	Type    string // the cause's dynamic type on the worker, e.g. "*errors.errorString"
	System  bool   // a system failure: the worker died, or could not run the task
}

// Error returns the message.
func (e *RemoteError) Error() string { return e.Message }

func gobBytes(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func gobDecode(b []byte, v any) error { return gob.NewDecoder(bytes.NewReader(b)).Decode(v) }
