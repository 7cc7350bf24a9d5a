package cluster

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// The cluster's own messages (taskMsg, resultMsg, and the value of an
// uploaded Put value) travel in a compact binary form written by hand
// rather than with encoding/gob: every message is decoded once, by a
// process that has never seen its writer's gob type descriptors, so gob
// would send and compile the descriptors of these structs for every task
// and every result (a third of a worker's CPU time on trivial tasks).
// The values inside them (value.Data) are encoded by static type as
// codec.go says.
//
// The form is a version byte, then the fields in declaration order:
// integers as varints, float64s as their 8 IEEE 754 bytes, strings and
// byte slices as their length then their bytes, slices and maps as their
// length then their elements, times as a presence byte then Unix seconds
// and nanoseconds. Processes of different wire versions do not
// understand each other: a message of another version fails to decode
// with an error saying so.

// wireVersion is the first byte of every message.
const wireVersion = 1

// errShort is the error of a message that ends early.
var errShort = errors.New("cluster: message truncated")

// wbuf appends the binary form of fields to a byte slice.
type wbuf []byte

func (w *wbuf) uint(x uint64) { *w = binary.AppendUvarint(*w, x) }
func (w *wbuf) int(x int)     { *w = binary.AppendVarint(*w, int64(x)) }
func (w *wbuf) str(s string)  { w.uint(uint64(len(s))); *w = append(*w, s...) }
func (w *wbuf) bytes(p []byte) {
	w.uint(uint64(len(p)))
	*w = append(*w, p...)
}
func (w *wbuf) float(f float64) { *w = binary.LittleEndian.AppendUint64(*w, math.Float64bits(f)) }

func (w *wbuf) bool(v bool) {
	if v {
		*w = append(*w, 1)
	} else {
		*w = append(*w, 0)
	}
}

func (w *wbuf) strs(ss []string) {
	w.uint(uint64(len(ss)))
	for _, s := range ss {
		w.str(s)
	}
}

func (w *wbuf) time(t time.Time) {
	w.bool(!t.IsZero())
	if !t.IsZero() {
		*w = binary.AppendVarint(*w, t.Unix())
		w.uint(uint64(t.Nanosecond()))
	}
}

// rbuf reads fields written by wbuf; after the first error every read
// returns a zero value and err keeps that error.
type rbuf struct {
	b   []byte
	err error
}

func (r *rbuf) fail(err error) {
	if r.err == nil {
		r.err = err
	}
	r.b = nil
}

func (r *rbuf) uint() uint64 {
	x, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return x
}

func (r *rbuf) int() int {
	x, n := binary.Varint(r.b)
	if n <= 0 || x != int64(int(x)) {
		r.fail(errShort)
		return 0
	}
	r.b = r.b[n:]
	return int(x)
}

// count reads a length of elements of at least min bytes each, refusing
// one longer than the rest of the message could hold.
func (r *rbuf) count(min int) int {
	n := r.uint()
	if n > uint64(len(r.b)/min) {
		r.fail(errShort)
		return 0
	}
	return int(n)
}

// bytes returns the next byte slice, which shares the message's memory.
func (r *rbuf) bytes() []byte {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	p := r.b[:n:n]
	r.b = r.b[n:]
	return p
}

func (r *rbuf) str() string { return string(r.bytes()) }

func (r *rbuf) float() float64 {
	if len(r.b) < 8 {
		r.fail(errShort)
		return 0
	}
	f := math.Float64frombits(binary.LittleEndian.Uint64(r.b))
	r.b = r.b[8:]
	return f
}

func (r *rbuf) bool() bool {
	if len(r.b) < 1 {
		r.fail(errShort)
		return false
	}
	v := r.b[0] != 0
	r.b = r.b[1:]
	return v
}

func (r *rbuf) strs() []string {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = r.str()
	}
	return ss
}

func (r *rbuf) time() time.Time {
	if !r.bool() {
		return time.Time{}
	}
	sec, n := binary.Varint(r.b)
	if n <= 0 {
		r.fail(errShort)
		return time.Time{}
	}
	r.b = r.b[n:]
	return time.Unix(sec, int64(r.uint()))
}

// readMsg starts reading message data of kind what, checking its version.
func readMsg(data []byte, what string) *rbuf {
	r := &rbuf{b: data}
	switch {
	case len(data) == 0:
		r.fail(fmt.Errorf("cluster: empty %s message", what))
	case data[0] != wireVersion:
		r.fail(fmt.Errorf("cluster: a %s message of wire version %d (this process reads %d): the driver and the workers must run the same warren", what, data[0], wireVersion))
	default:
		r.b = data[1:]
	}
	return r
}

// done is the error of a whole message read: the first read's error, or
// bytes left over.
func (r *rbuf) done(what string) error {
	if r.err == nil && len(r.b) != 0 {
		r.err = fmt.Errorf("cluster: %d bytes after a %s message", len(r.b), what)
	}
	if r.err != nil {
		return fmt.Errorf("cluster: decode %s: %w", what, r.err)
	}
	return nil
}

func (w *wbuf) value(v *value) {
	w.bytes(v.Data)
	w.str(v.Blob)
	w.bool(v.Iface)
	w.uint(uint64(len(v.Refs)))
	for i := range v.Refs {
		m := &v.Refs[i]
		w.uint(m.Wire)
		w.str(m.Key)
		w.int(m.Index)
		w.strs(m.Types)
	}
}

func (r *rbuf) value(v *value) {
	v.Data = r.bytes()
	v.Blob = r.str()
	v.Iface = r.bool()
	if n := r.count(4); n > 0 {
		v.Refs = make([]refMsg, n)
		for i := range v.Refs {
			m := &v.Refs[i]
			m.Wire = r.uint()
			m.Key = r.str()
			m.Index = r.int()
			m.Types = r.strs()
		}
	}
}

// marshal returns v's binary form (the data of an uploaded Put value).
func (v *value) marshal() []byte {
	w := wbuf{wireVersion}
	w.value(v)
	return w
}

// unmarshal sets v from data written by marshal.
func (v *value) unmarshal(data []byte) error {
	r := readMsg(data, "value")
	r.value(v)
	return r.done("value")
}

// marshal returns m's binary form (a task message's data).
func (m *taskMsg) marshal() []byte {
	size := 64 + len(m.Key) + len(m.Name) + len(m.Func.Name)
	for _, a := range m.Args {
		size += 16 + len(a.Val.Data) + len(a.Key)
	}
	w := make(wbuf, 0, size)
	w = append(w, wireVersion)
	w.str(m.Key)
	w.str(m.Func.Name)
	w.strs(m.Func.Decls)
	w.str(m.Name)
	w.uint(uint64(len(m.Args)))
	for i := range m.Args {
		a := &m.Args[i]
		w.value(&a.Val)
		w.str(a.Key)
		w.int(a.Index)
		w.bool(a.Whole)
	}
	w.float(m.CPUs)
	w.uint(uint64(len(m.Res)))
	for k, v := range m.Res {
		w.str(k)
		w.float(v)
	}
	w.int(m.NumReturns)
	w.int(m.MaxRetries)
	w.bool(m.RetryExc)
	return w
}

// unmarshal sets m from data written by marshal.
func (m *taskMsg) unmarshal(data []byte) error {
	r := readMsg(data, "task")
	m.Key = r.str()
	m.Func.Name = r.str()
	m.Func.Decls = r.strs()
	m.Name = r.str()
	if n := r.count(6); n > 0 {
		m.Args = make([]argMsg, n)
		for i := range m.Args {
			a := &m.Args[i]
			r.value(&a.Val)
			a.Key = r.str()
			a.Index = r.int()
			a.Whole = r.bool()
		}
	}
	m.CPUs = r.float()
	if n := r.count(9); n > 0 {
		m.Res = make(map[string]float64, n)
		for range n {
			k := r.str()
			m.Res[k] = r.float()
		}
	}
	m.NumReturns = r.int()
	m.MaxRetries = r.int()
	m.RetryExc = r.bool()
	return r.done("task")
}

// marshal returns m's binary form (a result's entry in objectBucket).
func (m *resultMsg) marshal() []byte {
	size := 64 + len(m.Err) + len(m.ErrType) + len(m.Proc)
	for _, v := range m.Vals {
		size += 8 + len(v.Data) + len(v.Blob)
	}
	w := make(wbuf, 0, size)
	w = append(w, wireVersion)
	w.uint(uint64(len(m.Vals)))
	for i := range m.Vals {
		w.value(&m.Vals[i])
	}
	w.str(m.Err)
	w.str(m.ErrType)
	w.bool(m.System)
	w.strs(m.Stack)
	w.int(m.Attempt)
	w.str(m.Proc)
	w.int(m.Pid)
	w.int(m.Slot)
	w.time(m.Start)
	w.time(m.End)
	return w
}

// unmarshal sets m from data written by marshal.
func (m *resultMsg) unmarshal(data []byte) error {
	r := readMsg(data, "result")
	if n := r.count(4); n > 0 {
		m.Vals = make([]value, n)
		for i := range m.Vals {
			r.value(&m.Vals[i])
		}
	}
	m.Err = r.str()
	m.ErrType = r.str()
	m.System = r.bool()
	m.Stack = r.strs()
	m.Attempt = r.int()
	m.Proc = r.str()
	m.Pid = r.int()
	m.Slot = r.int()
	m.Start = r.time()
	m.End = r.time()
	return r.done("result")
}
