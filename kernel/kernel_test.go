package kernel

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// fakeHandler runs "cells" written in a tiny command language:
//
//	print:TEXT    stream TEXT on stdout      err:TEXT   stream on stderr
//	value:TEXT    return TEXT as the result  fail       return an *Error
//	block         wait until interrupted     late:TEXT  print TEXT 100 ms after returning
//	failslow      fail after 200 ms          display:HTML  print, display, print
//	bulk:N        print N bytes of stdout in 64 KiB writes
//	displays:N    publish N display_data messages
type fakeHandler struct {
	started chan string // receives each cell's code as it starts
}

func (h *fakeHandler) Execute(ctx context.Context, req ExecuteRequest, out Output) (*Result, error) {
	select {
	case h.started <- req.Code:
	default:
	}
	cmd, arg, _ := strings.Cut(req.Code, ":")
	switch cmd {
	case "print":
		out.Stream("stdout", arg)
	case "err":
		out.Stream("stderr", arg)
	case "value":
		return &Result{Data: map[string]any{"text/plain": arg}}, nil
	case "failslow":
		time.Sleep(200 * time.Millisecond)
		fallthrough
	case "fail":
		out.Stream("stdout", "before failing\n")
		return nil, &Error{Name: "CompileError", Value: "boom", Traceback: []string{"cell:1: boom"}}
	case "block":
		<-ctx.Done()
		return nil, &Error{Name: "Interrupted", Value: ctx.Err().Error()}
	case "burst":
		// 200 small writes over ~100 ms, both streams.
		for i := 0; i < 200; i++ {
			out.Stream("stdout", "o")
			if i%50 == 0 {
				out.Stream("stderr", "e")
			}
			time.Sleep(500 * time.Microsecond)
		}
	case "bulk":
		// arg bytes of stdout in 64 KiB writes, lines of 'x'.
		n, _ := strconv.Atoi(arg)
		line := strings.Repeat("x", 63) + "\n"
		chunk := strings.Repeat(line, 1024)
		for ; n >= len(chunk); n -= len(chunk) {
			out.Stream("stdout", chunk)
		}
		out.Stream("stdout", chunk[:n])
	case "displays":
		// arg display_data messages, as fast as the kernel publishes.
		n, _ := strconv.Atoi(arg)
		for i := 0; i < n; i++ {
			out.Display(map[string]any{"text/plain": strconv.Itoa(i)}, nil)
		}
	case "late":
		time.AfterFunc(100*time.Millisecond, func() { out.Stream("stdout", arg) })
	case "input":
		in, ok := out.(Inputter)
		if !ok {
			return nil, &Error{Name: "NoInput", Value: "Output is not an Inputter"}
		}
		line, err := in.Input(arg, false)
		if err != nil {
			return nil, &Error{Name: "StdinError", Value: err.Error()}
		}
		return &Result{Data: map[string]any{"text/plain": "got:" + line}}, nil
	case "display":
		out.Stream("stdout", "a")
		out.Display(map[string]any{"text/html": arg}, nil)
		out.Stream("stdout", "b")
	}
	return nil, nil
}

func (h *fakeHandler) Complete(code string, cursor int) Completion {
	// Complete the identifier before cursor with "ZZ" appended.
	start := cursor
	for start > 0 && code[start-1] != ' ' {
		start--
	}
	return Completion{Matches: []string{code[start:cursor] + "ZZ"}, Start: start, End: cursor}
}

func (h *fakeHandler) Inspect(code string, cursor, detail int) (map[string]any, bool) {
	return map[string]any{"text/plain": fmt.Sprintf("%d", cursor)}, true
}

func (h *fakeHandler) IsComplete(code string) (string, string) {
	if strings.HasSuffix(code, "{") {
		return "incomplete", "\t"
	}
	return "complete", ""
}

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var ls []net.Listener
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// client is a minimal Jupyter client over zmq4.
type client struct {
	t                              testing.TB
	signer                         *Signer
	shell, control, stdin, hb, sub zmq4.Socket
	iopub                          chan *Message
}

type testKernel struct {
	*client
	k      *Kernel
	h      *fakeHandler
	done   chan error
	logs   *syncBuffer
	cancel context.CancelFunc
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startKernel(t testing.TB) *testKernel {
	t.Helper()
	return startKernelConfig(t, Config{})
}

// startKernelConfig starts a kernel with cfg (its connection, handler and
// logger are the test's) and a connected client.
func startKernelConfig(t testing.TB, cfg Config) *testKernel {
	t.Helper()
	p := freePorts(t, 5)
	info := &ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], IOPubPort: p[1],
		StdinPort: p[2], ControlPort: p[3], HBPort: p[4], Key: "test-key", SignatureScheme: "hmac-sha256"}
	h := &fakeHandler{started: make(chan string, 16)}
	logs := &syncBuffer{}
	if cfg.Handler == nil {
		cfg.Handler = h
	}
	cfg.Conn, cfg.Version, cfg.Logger = info, "test", log.New(logs, "", 0)
	k, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tk := &testKernel{k: k, h: h, done: make(chan error, 1), logs: logs, cancel: cancel}
	go func() { tk.done <- k.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-tk.done:
		case <-time.After(5 * time.Second):
			t.Error("kernel did not stop")
		}
	})

	signer, _ := NewSigner("hmac-sha256", []byte("test-key"))
	c := &client{t: t, signer: signer, iopub: make(chan *Message, 1024)}
	bg := context.Background()
	id := zmq4.WithID(zmq4.SocketIdentity("test-client"))
	c.shell = zmq4.NewDealer(bg, id, zmq4.WithDialerRetry(20*time.Millisecond))
	c.control = zmq4.NewDealer(bg, id, zmq4.WithDialerRetry(20*time.Millisecond))
	c.stdin = zmq4.NewDealer(bg, id, zmq4.WithDialerRetry(20*time.Millisecond))
	c.hb = zmq4.NewReq(bg, zmq4.WithDialerRetry(20*time.Millisecond))
	c.sub = zmq4.NewSub(bg, zmq4.WithDialerRetry(20*time.Millisecond))
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, p[0]}, {c.control, p[3]}, {c.stdin, p[2]}, {c.hb, p[4]}, {c.sub, p[1]}} {
		if err := d.s.Dial(info.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, s := range []zmq4.Socket{c.shell, c.control, c.stdin, c.hb, c.sub} {
			s.Close()
		}
	})
	go func() {
		for {
			m, err := c.sub.Recv()
			if err != nil {
				return
			}
			msg, err := signer.Decode(m.Frames)
			if err != nil {
				t.Errorf("iopub: %v", err)
				return
			}
			c.iopub <- msg
		}
	}()
	tk.client = c
	// Like Jupyter clients, ask kernel_info until iopub is known to be live.
	deadline := time.Now().Add(5 * time.Second)
	for {
		c.send(c.shell, "kernel_info_request", map[string]any{})
		c.recv(c.shell)
		select {
		case <-c.iopub:
			c.drainIOPub(100 * time.Millisecond)
			return tk
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no iopub message received")
		}
	}
}

// started returns the code of the next cell the handler starts, failing the
// test if none starts within 10 s.
func (tk *testKernel) started() string {
	tk.t.Helper()
	select {
	case code := <-tk.h.started:
		return code
	case <-time.After(10 * time.Second):
		tk.t.Fatalf("no cell started; kernel log:\n%s", tk.logs.String())
		return ""
	}
}

func TestKernelExecuteOrder(t *testing.T) {
	tk := startKernel(t)
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "value:42", "silent": false})
	rep := tk.recv(tk.shell)
	if rep.Header.MsgType != "execute_reply" || parentID(rep) != id {
		t.Fatalf("reply %s to %s", rep.Header.MsgType, parentID(rep))
	}
	if c := content(rep); c["status"] != "ok" || c["execution_count"] != 1.0 {
		t.Errorf("reply content %v", c)
	}
	if got, want := types(tk.collect(id)), "status:busy execute_input execute_result status:idle"; got != want {
		t.Errorf("iopub = %q, want %q", got, want)
	}

	id = tk.send(tk.shell, "execute_request", map[string]any{"code": "display:<b>x</b>"})
	tk.recv(tk.shell)
	if got, want := types(tk.collect(id)), "status:busy execute_input stream:a display_data stream:b status:idle"; got != want {
		t.Errorf("iopub = %q, want %q", got, want)
	}

	// Output after Execute returned keeps its parent.
	id = tk.send(tk.shell, "execute_request", map[string]any{"code": "late:zzz"})
	tk.recv(tk.shell)
	tk.collect(id)
	select {
	case m := <-tk.iopub:
		if m.Header.MsgType != "stream" || parentID(m) != id || content(m)["text"] != "zzz" {
			t.Errorf("late output %s %v", m.Header.MsgType, content(m))
		}
	case <-time.After(2 * time.Second):
		t.Error("late output lost")
	}
}

func TestKernelStreamBatching(t *testing.T) {
	tk := startKernel(t)
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "burst"})
	tk.recv(tk.shell)
	var streams int
	text := map[string]string{}
	for _, m := range tk.collect(id) {
		if m.Header.MsgType == "stream" {
			streams++
			c := content(m)
			text[c["name"].(string)] += c["text"].(string)
		}
	}
	if text["stdout"] != strings.Repeat("o", 200) || text["stderr"] != "eeee" {
		t.Errorf("stream text lost or mixed: %q", text)
	}
	// Batched: far fewer messages than 204 writes (each stderr write splits
	// a batch, so at most a few per 50 ms window).
	if streams > 40 {
		t.Errorf("%d stream messages for 204 writes: not batched", streams)
	}
}

func TestKernelErrorAndStopOnError(t *testing.T) {
	tk := startKernel(t)
	fail := tk.send(tk.shell, "execute_request", map[string]any{"code": "failslow"})
	// Queue two more while the cell runs; history is still served.
	q1 := tk.send(tk.shell, "execute_request", map[string]any{"code": "print:never"})
	hist := tk.send(tk.shell, "history_request", map[string]any{"hist_access_type": "tail", "n": 5, "output": false, "raw": true})
	q2 := tk.send(tk.shell, "execute_request", map[string]any{"code": "print:never"})
	replies := map[string]map[string]any{}
	for i := 0; i < 4; i++ {
		r := tk.recv(tk.shell)
		replies[parentID(r)] = content(r)
	}
	if c := replies[fail]; c["status"] != "error" || c["ename"] != "CompileError" || c["evalue"] != "boom" {
		t.Errorf("fail reply %v", c)
	}
	for _, id := range []string{q1, q2} {
		if replies[id]["status"] != "aborted" {
			t.Errorf("queued reply %v, want aborted", replies[id])
		}
	}
	if replies[hist]["status"] != "ok" {
		t.Errorf("history reply %v", replies[hist])
	}
	if got, want := types(tk.collect(fail)), "status:busy execute_input stream:before failing\n error status:idle"; got != want {
		t.Errorf("iopub = %q, want %q", got, want)
	}
	// Without stop_on_error nothing is aborted.
	a := tk.send(tk.shell, "execute_request", map[string]any{"code": "fail", "stop_on_error": false})
	b := tk.send(tk.shell, "execute_request", map[string]any{"code": "value:1"})
	for _, want := range []struct{ id, status string }{{a, "error"}, {b, "ok"}} {
		r := tk.recv(tk.shell)
		if parentID(r) != want.id || content(r)["status"] != want.status {
			t.Errorf("reply %v, want %s", content(r), want.status)
		}
	}
}

func TestKernelControlWhileBusy(t *testing.T) {
	tk := startKernel(t)
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "block"})
	if code := tk.started(); code != "block" {
		t.Fatalf("started %q", code)
	}
	// Heartbeat answers while the cell runs.
	if err := tk.hb.Send(zmq4.NewMsgString("ping")); err != nil {
		t.Fatal(err)
	}
	if m, err := tk.hb.Recv(); err != nil || string(m.Frames[0]) != "ping" {
		t.Errorf("heartbeat: %v %v", m, err)
	}
	// kernel_info on control is answered on control.
	ki := tk.send(tk.control, "kernel_info_request", map[string]any{})
	rep := tk.recv(tk.control)
	if rep.Header.MsgType != "kernel_info_reply" || parentID(rep) != ki {
		t.Fatalf("control reply %s", rep.Header.MsgType)
	}
	li := content(rep)["language_info"].(map[string]any)
	if li["name"] != "go" || content(rep)["protocol_version"] != "5.3" {
		t.Errorf("kernel_info %v", content(rep))
	}
	// Completion is served on shell while the cell runs, in code points.
	cid := tk.send(tk.shell, "complete_request", map[string]any{"code": "x := héllo", "cursor_pos": 10})
	rep = tk.recv(tk.shell)
	if c := content(rep); parentID(rep) != cid || c["cursor_start"] != 5.0 || c["cursor_end"] != 10.0 ||
		c["matches"].([]any)[0] != "hélloZZ" {
		t.Errorf("complete_reply %v", c)
	}
	// Interrupt cancels the running cell's context.
	start := time.Now()
	ir := tk.send(tk.control, "interrupt_request", map[string]any{})
	rep = tk.recv(tk.control)
	if rep.Header.MsgType != "interrupt_reply" || parentID(rep) != ir {
		t.Errorf("interrupt reply %s", rep.Header.MsgType)
	}
	rep = tk.recv(tk.shell)
	if c := content(rep); parentID(rep) != id || c["ename"] != "Interrupted" {
		t.Errorf("execute_reply after interrupt %v", c)
	}
	// A hang guard, not a performance bound: without the interrupt the
	// cell never returns.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interrupt took %v", d)
	}
	// interrupt_request on shell works too (older clients send it there).
	tk.send(tk.shell, "execute_request", map[string]any{"code": "block"})
	tk.started()
	tk.send(tk.shell, "interrupt_request", map[string]any{})
	for i := 0; i < 2; i++ {
		rep = tk.recv(tk.shell)
		if rep.Header.MsgType == "execute_reply" && content(rep)["ename"] != "Interrupted" {
			t.Errorf("execute_reply after shell interrupt %v", content(rep))
		}
	}
	// Control requests get busy/idle with the request as parent too.
	if got := types(tk.collect(ki)); got != "status:busy status:idle" {
		t.Errorf("control iopub %q", got)
	}
}

func TestKernelShellRequests(t *testing.T) {
	tk := startKernel(t)
	for _, tc := range []struct {
		msgType string
		content map[string]any
		check   func(map[string]any) bool
	}{
		{"is_complete_request", map[string]any{"code": "func f() {"}, func(c map[string]any) bool {
			return c["status"] == "incomplete" && c["indent"] == "\t"
		}},
		{"inspect_request", map[string]any{"code": "héllo", "cursor_pos": 2, "detail_level": 0}, func(c map[string]any) bool {
			return c["found"] == true && c["data"].(map[string]any)["text/plain"] == "3"
		}},
		{"comm_info_request", map[string]any{}, func(c map[string]any) bool {
			return c["status"] == "ok" && len(c["comms"].(map[string]any)) == 0
		}},
	} {
		id := tk.send(tk.shell, tc.msgType, tc.content)
		rep := tk.recv(tk.shell)
		if parentID(rep) != id || rep.Header.MsgType != strings.TrimSuffix(tc.msgType, "_request")+"_reply" || !tc.check(content(rep)) {
			t.Errorf("%s: %s %v", tc.msgType, rep.Header.MsgType, content(rep))
		}
	}
	id := tk.send(tk.shell, "comm_open", map[string]any{"comm_id": "c1", "target_name": "nope", "data": map[string]any{}})
	msgs := tk.collect(id)
	if got := types(msgs); got != "status:busy comm_close status:idle" || content(msgs[1])["comm_id"] != "c1" {
		t.Errorf("comm_open: %q", got)
	}
	// Unknown types are ignored; a bad signature is dropped and logged.
	tk.send(tk.shell, "frobnicate_request", map[string]any{})
	bad := &client{t: t, signer: &Signer{key: []byte("wrong"), newMAC: tk.signer.newMAC}}
	bad.send(tk.shell, "execute_request", map[string]any{"code": "print:PWNED"})
	id = tk.send(tk.shell, "execute_request", map[string]any{"code": "print:ok"})
	rep := tk.recv(tk.shell)
	if parentID(rep) != id {
		t.Errorf("unexpected reply %s %v", rep.Header.MsgType, content(rep))
	}
	// The forged request came first on the same connection: had it run, the
	// handler would have started it before the legitimate one, and its
	// output would be on iopub (under its own parent) before ours ended.
	if code := tk.started(); code != "print:ok" {
		t.Errorf("first cell started: %q, want the legitimate print:ok", code)
	}
	if got := types(tk.collectAll(id)); strings.Contains(got, "PWNED") {
		t.Errorf("forged message executed: %s", got)
	}
	// The unknown request is logged by the goroutine serving quick requests,
	// which may come after the execute reply.
	deadline := time.Now().Add(5 * time.Second)
	logs := tk.logs.String()
	for !strings.Contains(logs, "frobnicate_request") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		logs = tk.logs.String()
	}
	if !strings.Contains(logs, "bad message signature") || !strings.Contains(logs, "frobnicate_request") {
		t.Errorf("logs: %s", logs)
	}
}

func TestKernelShutdown(t *testing.T) {
	for _, restart := range []bool{false, true} {
		t.Run(fmt.Sprint("restart=", restart), func(t *testing.T) {
			tk := startKernel(t)
			id := tk.send(tk.control, "shutdown_request", map[string]any{"restart": restart})
			rep := tk.recv(tk.control)
			if rep.Header.MsgType != "shutdown_reply" || parentID(rep) != id || content(rep)["restart"] != restart {
				t.Errorf("reply %s %v", rep.Header.MsgType, content(rep))
			}
			select {
			case err := <-tk.done:
				if err != nil {
					t.Errorf("Run = %v", err)
				}
				tk.done <- err // for cleanup
			case <-time.After(3 * time.Second):
				t.Fatal("kernel still running after shutdown_request")
			}
		})
	}
}

var _ io.Writer = (*syncBuffer)(nil)
