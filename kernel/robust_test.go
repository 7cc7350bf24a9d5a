package kernel

import (
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// A request whose content does not decode gets an error reply (a client
// waits for the reply), and the kernel keeps serving.
func TestKernelUndecodableContent(t *testing.T) {
	tk := startKernel(t)
	for _, tc := range []struct {
		msgType string
		content map[string]any
	}{
		{"execute_request", map[string]any{"code": 5}},
		{"complete_request", map[string]any{"code": "x", "cursor_pos": "end"}},
		{"inspect_request", map[string]any{"code": []int{1}, "cursor_pos": 0}},
		{"is_complete_request", map[string]any{"code": true}},
		{"history_request", map[string]any{"hist_access_type": 3}},
	} {
		id := tk.send(tk.shell, tc.msgType, tc.content)
		rep := tk.recv(tk.shell)
		c := content(rep)
		want := strings.TrimSuffix(tc.msgType, "_request") + "_reply"
		if parentID(rep) != id || rep.Header.MsgType != want || c["status"] != "error" || c["ename"] != "InvalidRequest" ||
			!strings.Contains(c["evalue"].(string), "cannot be decoded") {
			t.Errorf("%s: %s %v", tc.msgType, rep.Header.MsgType, c)
		}
		msgs := tk.collect(id)
		wantIOPub := "status:busy status:idle"
		if tc.msgType == "execute_request" {
			wantIOPub = "status:busy error status:idle"
		}
		if got := types(msgs); got != wantIOPub {
			t.Errorf("%s: iopub %q, want %q", tc.msgType, got, wantIOPub)
		}
	}
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "value:fine"})
	if rep := tk.recv(tk.shell); parentID(rep) != id || content(rep)["status"] != "ok" {
		t.Errorf("after bad requests: %v", content(rep))
	}
}

// A signed message sent again unchanged is dropped, on any socket, as
// jupyter_client's Session does.
func TestKernelRejectsReplay(t *testing.T) {
	tk := startKernel(t)
	m, err := newMessage("execute_request", "client-session", nil, map[string]any{"code": "print:once"})
	if err != nil {
		t.Fatal(err)
	}
	frames, err := tk.signer.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	send := func(sock zmq4.Socket) {
		if err := sock.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
			t.Fatal(err)
		}
	}
	// The copies go out after the original was answered: whichever copy
	// the kernel reads first is the one it serves, whatever the socket.
	send(tk.shell)
	if rep := tk.recv(tk.shell); parentID(rep) != m.Header.MsgID || content(rep)["status"] != "ok" {
		t.Fatalf("first copy: %s %v", rep.Header.MsgType, content(rep))
	}
	send(tk.shell)
	send(tk.control)
	if code := tk.started(); code != "print:once" {
		t.Fatalf("started %q", code)
	}
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "print:next"})
	if rep := tk.recv(tk.shell); parentID(rep) != id {
		t.Fatalf("a replay was answered: %s %v", rep.Header.MsgType, content(rep))
	}
	if code := tk.started(); code != "print:next" {
		t.Fatalf("the replay ran: started %q, want print:next", code)
	}
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(tk.logs.String(), "dropped replayed message") < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := strings.Count(tk.logs.String(), "dropped replayed message"); n != 2 {
		t.Errorf("%d replays logged, want 2 (shell and control):\n%s", n, tk.logs.String())
	}
}
