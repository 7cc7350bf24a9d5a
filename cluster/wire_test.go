package cluster

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWireRoundTrip(t *testing.T) {
	val := value{Data: []byte{1, 2, 3}, Blob: "v.r.s.1.0", Iface: true,
		Refs: []refMsg{{Wire: 7, Key: "r.s.9", Index: -1, Types: []string{"int", "[]string"}}, {Wire: 1 << 40, Key: "p.s.2"}}}
	task := taskMsg{Key: "r.sess.42", Func: FuncRef{Name: "square", Decls: []string{"h1", "h2"}}, Name: "sq",
		Args: []argMsg{{Val: val}, {Key: "r.sess.41", Index: 2}, {Key: "p.sess.3", Index: -1, Whole: true}},
		CPUs: 0.5, Res: map[string]float64{"GPU": 1, "mem": 2.25}, NumReturns: 2, MaxRetries: -1, RetryExc: true}
	start := time.Date(2026, 11, 29, 5, 6, 7, 891011, time.UTC)
	result := resultMsg{Vals: []value{val, {Data: []byte("x")}}, Err: "boom", ErrType: "*errors.errorString",
		System: true, Stack: []string{"main.f", "main.g"}, Attempt: 3, Proc: "host:12", Pid: 12, Slot: 5,
		Start: start, End: start.Add(time.Millisecond)}

	var task2 taskMsg
	if err := task2.unmarshal(task.marshal()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(task2, task) {
		t.Errorf("task:\n got %+v\nwant %+v", task2, task)
	}
	var result2 resultMsg
	if err := result2.unmarshal(result.marshal()); err != nil {
		t.Fatal(err)
	}
	if !result2.Start.Equal(result.Start) || !result2.End.Equal(result.End) {
		t.Errorf("times: got %v %v, want %v %v", result2.Start, result2.End, result.Start, result.End)
	}
	result2.Start, result2.End = result.Start, result.End // Equal, but in the local zone
	if !reflect.DeepEqual(result2, result) {
		t.Errorf("result:\n got %+v\nwant %+v", result2, result)
	}
	var val2 value
	if err := val2.unmarshal(val.marshal()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(val2, val) {
		t.Errorf("value:\n got %+v\nwant %+v", val2, val)
	}

	// The zero messages too (a zero time stays zero).
	var zt taskMsg
	if err := zt.unmarshal((&taskMsg{}).marshal()); err != nil || !reflect.DeepEqual(zt, taskMsg{}) {
		t.Errorf("zero task: %+v, %v", zt, err)
	}
	var zr resultMsg
	if err := zr.unmarshal((&resultMsg{}).marshal()); err != nil || !zr.Start.IsZero() || !reflect.DeepEqual(zr, resultMsg{}) {
		t.Errorf("zero result: %+v, %v", zr, err)
	}
}

// TestWireDamaged checks that every truncation of a message, extra bytes,
// and another wire version fail to decode (with an error, not a panic).
func TestWireDamaged(t *testing.T) {
	task := taskMsg{Key: "r.s.1", Func: FuncRef{Name: "f", Decls: []string{"h"}},
		Args: []argMsg{{Val: value{Data: []byte("abc"), Refs: []refMsg{{Key: "k", Types: []string{"int"}}}}}},
		Res:  map[string]float64{"GPU": 1}}
	result := resultMsg{Vals: []value{{Data: []byte("abc")}}, Stack: []string{"f"}, Start: time.Now(), End: time.Now()}
	for _, c := range []struct {
		name   string
		data   []byte
		decode func([]byte) error
	}{
		{"task", task.marshal(), func(b []byte) error { var m taskMsg; return m.unmarshal(b) }},
		{"result", result.marshal(), func(b []byte) error { var m resultMsg; return m.unmarshal(b) }},
		{"value", task.Args[0].Val.marshal(), func(b []byte) error { var v value; return v.unmarshal(b) }},
	} {
		for n := range len(c.data) {
			if err := c.decode(c.data[:n]); err == nil {
				t.Errorf("%s cut to %d of %d bytes decodes", c.name, n, len(c.data))
			}
		}
		if err := c.decode(append(c.data[:len(c.data):len(c.data)], 0)); err == nil || !strings.Contains(err.Error(), "extraneous data") {
			t.Errorf("%s with a byte more: %v", c.name, err)
		}
		other := append([]byte{wireVersion + 1}, c.data[1:]...)
		if err := c.decode(other); err == nil || !strings.Contains(err.Error(), "same warren") {
			t.Errorf("%s of another version: %v", c.name, err)
		}
	}
	// A length larger than the message is refused before allocating.
	var m resultMsg
	if err := m.unmarshal([]byte{wireVersion, 0xff, 0xff, 0xff, 0xff, 0x0f}); err == nil {
		t.Error("a result claiming 2^32 values decodes")
	}
}
