package cluster

import (
	"testing"
	"time"
)

func BenchmarkWireTask(b *testing.B) {
	task := taskMsg{Key: "r.sess.42", Func: FuncRef{Name: "square", Decls: []string{"h1", "h2"}}, Name: "sq",
		Args: []argMsg{{Val: value{Data: []byte{0, 2, 4}}}}, CPUs: 1, MaxRetries: -1}
	res := resultMsg{Vals: []value{{Data: []byte{0, 2, 6}}}, Proc: "host:12", Pid: 12, Slot: 5, Start: time.Now(), End: time.Now()}
	for b.Loop() {
		var t2 taskMsg
		if err := t2.unmarshal(task.marshal()); err != nil {
			b.Fatal(err)
		}
		var r2 resultMsg
		if err := r2.unmarshal(res.marshal()); err != nil {
			b.Fatal(err)
		}
	}
}
