package cluster

import (
	"fmt"
	"math"

	"github.com/fxamacker/cbor/v2"
)

// The cluster's own messages (taskMsg, resultMsg, and the value of an
// uploaded Put value) travel as CBOR (RFC 8949) written and read by
// github.com/fxamacker/cbor, structs as arrays of their fields in
// declaration order, after a version byte. Not encoding/gob: every message
// is decoded once, by a process that has never seen its writer's gob type
// descriptors, so gob would send and compile the descriptors of these
// structs for every task and every result (a third of a worker's CPU time
// on trivial tasks). The values inside them (value.Data) are encoded by
// static type as codec.go says.
//
// Processes of different wire versions do not understand each other: a
// message of another version fails to decode with an error saying so.

// wireVersion is the first byte of every message.
const wireVersion = 2

// wireEnc and wireDec are the CBOR modes of the messages (immutable,
// safe for concurrent use). Times keep their nanoseconds; array and map
// lengths are bounded only by the message (a value may hold many refs).
var wireEnc, wireDec = func() (cbor.EncMode, cbor.DecMode) {
	enc, err := cbor.EncOptions{Time: cbor.TimeRFC3339Nano}.EncMode()
	if err != nil {
		panic(err)
	}
	dec, err := cbor.DecOptions{MaxArrayElements: math.MaxInt32, MaxMapPairs: math.MaxInt32}.DecMode()
	if err != nil {
		panic(err)
	}
	return enc, dec
}()

// marshalMsg returns the version byte followed by m as CBOR.
func marshalMsg(m any) []byte {
	b, err := wireEnc.Marshal(m)
	if err != nil {
		// The messages hold only strings, numbers, byte slices, slices,
		// maps of them and times: CBOR encodes them all.
		panic(fmt.Sprintf("cluster: encode %T: %v", m, err))
	}
	return append([]byte{wireVersion}, b...)
}

// unmarshalMsg sets m, of kind what, from data written by marshalMsg.
func unmarshalMsg(data []byte, m any, what string) error {
	switch {
	case len(data) == 0:
		return fmt.Errorf("cluster: empty %s message", what)
	case data[0] != wireVersion:
		return fmt.Errorf("cluster: a %s message of wire version %d (this process reads %d): the driver and the workers must run the same warren", what, data[0], wireVersion)
	}
	if err := wireDec.Unmarshal(data[1:], m); err != nil {
		return fmt.Errorf("cluster: decode %s: %w", what, err)
	}
	return nil
}

// marshal returns v's wire form (the data of an uploaded Put value).
func (v *value) marshal() []byte { return marshalMsg(v) }

// unmarshal sets v from data written by marshal.
func (v *value) unmarshal(data []byte) error { return unmarshalMsg(data, v, "value") }

// marshal returns m's wire form (a task message's data).
func (m *taskMsg) marshal() []byte { return marshalMsg(m) }

// unmarshal sets m from data written by marshal.
func (m *taskMsg) unmarshal(data []byte) error { return unmarshalMsg(data, m, "task") }

// marshal returns m's wire form (a result's entry in objectBucket).
func (m *resultMsg) marshal() []byte { return marshalMsg(m) }

// unmarshal sets m from data written by marshal.
func (m *resultMsg) unmarshal(data []byte) error { return unmarshalMsg(data, m, "result") }
