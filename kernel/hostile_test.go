package kernel

import (
	"bytes"
	"context"
	"encoding/hex"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// Byte sequences that killed or blocked the kernel when zmq4 v0.17.0 faced
// the network itself (issue 9 §5). Each is written here byte for byte, not
// with the guard's own encoder.
var (
	// ff 00×7 01 7f 03 00 "NULL" 00×16 00×32: a valid ZMTP 3.0 NULL greeting.
	nullGreeting = mustHex("ff00000000000000017f0300" + hex.EncodeToString([]byte("NULL")) +
		strings.Repeat("00", 16) + strings.Repeat("00", 32))
	// A READY frame whose Socket-Type value claims 6 bytes and has none.
	readyDealer = append(mustHex("0416"+"05"), append([]byte("READY\x0bSocket-Type"), mustHex("00000006")...)...)
)

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic(err)
	}
	return b
}

// ready returns a READY command frame for socket type typ.
func ready(typ string) []byte {
	body := append([]byte("\x05READY\x0bSocket-Type"), 0, 0, 0, byte(len(typ)))
	body = append(body, typ...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// peerType is the socket type a client uses on each kernel port.
func peerType(port string) string {
	switch port {
	case "iopub":
		return "SUB"
	case "heartbeat":
		return "REQ"
	}
	return "DEALER"
}

func (tk *testKernel) ports() map[string]int {
	c := tk.k.cfg.Conn
	return map[string]int{"shell": c.ShellPort, "control": c.ControlPort, "stdin": c.StdinPort,
		"iopub": c.IOPubPort, "heartbeat": c.HBPort}
}

func dialRaw(t *testing.T, port int) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedByKernel reports whether the kernel side closed c within d (what is
// read before is discarded).
func closedByKernel(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	return err == nil // io.Copy returns nil at EOF
}

// alive checks that the kernel still runs and serves a client: a cell's
// output and reply arrive.
func (tk *testKernel) alive(t *testing.T, what string) {
	t.Helper()
	select {
	case err := <-tk.done:
		t.Fatalf("after %s the kernel stopped: %v", what, err)
	default:
	}
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "print:still here"})
	if rep := tk.recv(tk.shell); parentID(rep) != id || content(rep)["status"] != "ok" {
		t.Fatalf("after %s: reply %v", what, content(rep))
	}
	if got := types(tk.collect(id)); got != "status:busy execute_input stream:still here status:idle" {
		t.Fatalf("after %s: iopub %q", what, got)
	}
}

// The sequences that made zmq4 panic (slice bounds, makeslice) or die of
// out of memory, on every port: the kernel closes that connection and
// keeps serving.
func TestKernelSurvivesHostileZMTP(t *testing.T) {
	tk := startKernel(t)
	cases := []struct {
		name  string
		bytes func(port string) []byte
	}{
		{"frame length 2^63-1 before the handshake", func(string) []byte {
			return append(bytes.Clone(nullGreeting), mustHex("06 7fffffffffffffff")...)
		}},
		{"frame length 2^63-1 after the handshake", func(p string) []byte {
			b := append(bytes.Clone(nullGreeting), ready(peerType(p))...)
			return append(b, mustHex("02 7fffffffffffffff")...)
		}},
		{"frame length 100 GiB after the handshake", func(p string) []byte {
			b := append(bytes.Clone(nullGreeting), ready(peerType(p))...)
			return append(b, mustHex("02 0000001900000000")...)
		}},
		{"frame length 100 GiB as READY", func(string) []byte {
			return append(bytes.Clone(nullGreeting), mustHex("06 0000001900000000")...)
		}},
		{"READY cut short in a property name", func(string) []byte {
			// body: 05 "READY" 0b "Socket" — the name claims 11 bytes, 6 follow.
			return append(bytes.Clone(nullGreeting), append(mustHex("04 0d 05"), "READY\x0bSocket"...)...)
		}},
		{"READY cut short in a value length", func(string) []byte {
			// body: 05 "READY" 0b "Socket-Type" 00 00 — two of four length bytes.
			return append(bytes.Clone(nullGreeting), append(mustHex("04 14 05"), "READY\x0bSocket-Type\x00\x00"...)...)
		}},
		{"READY value longer than its frame", func(string) []byte {
			return append(bytes.Clone(nullGreeting), readyDealer...)
		}},
	}
	for _, tc := range cases {
		for name, port := range tk.ports() {
			c := dialRaw(t, port)
			if _, err := c.Write(tc.bytes(name)); err != nil {
				t.Fatalf("%s on %s: write: %v", tc.name, name, err)
			}
			if !closedByKernel(c, 5*time.Second) {
				t.Errorf("%s on %s: connection not closed", tc.name, name)
			}
		}
		tk.alive(t, tc.name)
	}
	if !strings.Contains(tk.logs.String(), "rejected") {
		t.Errorf("rejections not logged:\n%s", tk.logs.String())
	}
}

// One idle TCP connection (and one that stops after the greeting) on each
// port does not hold up a new client: zmq4 handshook inside its accept
// loop, without deadline.
func TestKernelIdleConnectionDoesNotBlock(t *testing.T) {
	tk := startKernel(t)
	var idle []net.Conn
	for name, port := range tk.ports() {
		idle = append(idle, dialRaw(t, port))
		half := dialRaw(t, port)
		if _, err := half.Write(nullGreeting); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		idle = append(idle, half)
	}
	// A new client, on every socket: its requests are answered while the
	// idle connections are still open (the guard's handshake deadline is
	// 10 s; the new client's replies have 5 s).
	start := time.Now()
	fresh := startClient(t, tk.k.cfg.Conn)
	fresh.alive(t, tk)
	if d := time.Since(start); d > 9*time.Second {
		t.Fatalf("new client served after %v", d)
	}
	for _, c := range idle {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		var b [128]byte
		if _, err := c.Read(b[:]); err == io.EOF {
			t.Fatalf("an idle connection was closed before the new client was served")
		}
	}
}

// A subscriber that subscribes and never reads does not stall iopub: a
// reading client gets all of a cell's 20 MB of output and its idle status.
func TestKernelSlowSubscriber(t *testing.T) {
	tk := startKernel(t)
	slow := dialRaw(t, tk.k.cfg.Conn.IOPubPort)
	// Handshake, then subscribe to everything (00 01 01), then never read.
	if _, err := slow.Write(append(append(bytes.Clone(nullGreeting), ready("SUB")...), 0x00, 0x01, 0x01)); err != nil {
		t.Fatal(err)
	}
	if tcp, ok := slow.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(4096)
	}
	time.Sleep(100 * time.Millisecond) // let the subscription reach the socket
	const size = 20 << 20
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "bulk:" + strconv.Itoa(size)})
	// 20 MB of JSON under the race detector on a busy machine: the reply
	// may take a while; without the guards it never came.
	if rep := tk.recvWithin(tk.shell, 60*time.Second); parentID(rep) != id || content(rep)["status"] != "ok" {
		t.Fatalf("reply %v", content(rep))
	}
	got := 0
	timeout := time.After(60 * time.Second)
	for done := false; !done; {
		select {
		case m := <-tk.iopub:
			if parentID(m) != id {
				continue
			}
			switch m.Header.MsgType {
			case "stream":
				got += len(content(m)["text"].(string))
			case "status":
				done = content(m)["execution_state"] == "idle"
			}
		case <-timeout:
			t.Fatalf("no idle after 60 s; %d of %d bytes of output", got, size)
		}
	}
	if got != size {
		t.Errorf("got %d bytes of output, want %d", got, size)
	}
	tk.alive(t, "a subscriber that never reads")
}

// startClient connects a second client to a running kernel.
func startClient(t *testing.T, info *ConnectionInfo) *client {
	t.Helper()
	signer, _ := NewSigner(info.SignatureScheme, []byte(info.Key))
	c := &client{t: t, signer: signer, iopub: make(chan *Message, 1024)}
	bg := context.Background()
	id := zmq4.WithID(zmq4.SocketIdentity("second-client"))
	c.shell = zmq4.NewDealer(bg, id)
	c.control = zmq4.NewDealer(bg, id)
	c.hb = zmq4.NewReq(bg)
	c.sub = zmq4.NewSub(bg)
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, info.ShellPort}, {c.control, info.ControlPort}, {c.hb, info.HBPort}, {c.sub, info.IOPubPort}} {
		if err := d.s.Dial(info.Endpoint(d.port)); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, s := range []zmq4.Socket{c.shell, c.control, c.hb, c.sub} {
			s.Close()
		}
	})
	if err := c.sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			m, err := c.sub.Recv()
			if err != nil {
				return
			}
			if msg, err := signer.Decode(m.Frames); err == nil {
				c.iopub <- msg
			}
		}
	}()
	return c
}

// alive checks that c is served on shell, control and heartbeat.
func (c *client) alive(t *testing.T, tk *testKernel) {
	t.Helper()
	for _, sock := range []zmq4.Socket{c.shell, c.control} {
		id := c.send(sock, "kernel_info_request", map[string]any{})
		if rep := c.recv(sock); parentID(rep) != id || rep.Header.MsgType != "kernel_info_reply" {
			t.Fatalf("kernel_info: %s", rep.Header.MsgType)
		}
	}
	if err := c.hb.Send(zmq4.NewMsgString("ping")); err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 1)
	go func() {
		m, err := c.hb.Recv()
		if err != nil {
			ch <- err.Error()
			return
		}
		ch <- string(m.Bytes())
	}()
	select {
	case got := <-ch:
		if got != "ping" {
			t.Fatalf("heartbeat: %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no heartbeat reply")
	}
}

// BenchmarkExecuteRoundTrip measures an execute_request's reply and its idle
// status through the guards and with zmq4 on the public ports itself.
func BenchmarkExecuteRoundTrip(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  Config
	}{{"guarded", Config{}}, {"zmq4-direct", Config{unguarded: true}}} {
		b.Run(bc.name, func(b *testing.B) {
			tk := startKernelConfig(b, bc.cfg)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				id := tk.send(tk.shell, "execute_request", map[string]any{"code": "print:x"})
				tk.recv(tk.shell)
				tk.collect(id)
			}
		})
	}
}

// A heartbeat peer that sends pings and never reads the replies does not
// stall the heartbeat of other clients (its replies wait in its own queue).
func TestKernelSilentHeartbeatPeer(t *testing.T) {
	tk := startKernel(t)
	hb := dialRaw(t, tk.k.cfg.Conn.HBPort)
	if tcp, ok := hb.(*net.TCPConn); ok {
		_ = tcp.SetReadBuffer(4096)
	}
	// REQ-style requests: an empty delimiter frame, then 4 KiB.
	ping := append([]byte{0x01, 0x00, 0x02}, binaryLen(4096)...)
	ping = append(ping, bytes.Repeat([]byte("p"), 4096)...)
	msg := append(bytes.Clone(nullGreeting), ready("REQ")...)
	for i := 0; i < 2000; i++ {
		msg = append(msg, ping...)
	}
	go hb.Write(msg) // blocks once the kernel stops reading; the test ends it
	time.Sleep(500 * time.Millisecond)
	fresh := startClient(t, tk.k.cfg.Conn)
	fresh.alive(t, tk)
}

func binaryLen(n uint64) []byte {
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = byte(n)
		n >>= 8
	}
	return b
}

// A burst of small iopub messages (display updates in a loop) reaches a
// client that reads them all, with its idle status: the guard's queue
// drops only what a silent peer leaves piling up (64 MiB), not a burst.
func TestKernelIOPubBurst(t *testing.T) {
	tk := startKernel(t)
	const n = 20000
	id := tk.send(tk.shell, "execute_request", map[string]any{"code": "displays:" + strconv.Itoa(n)})
	got := 0
	timeout := time.After(60 * time.Second)
	for done := false; !done; {
		select {
		case m := <-tk.iopub:
			if parentID(m) != id {
				continue
			}
			switch m.Header.MsgType {
			case "display_data":
				if want := strconv.Itoa(got); content(m)["data"].(map[string]any)["text/plain"] != want {
					t.Fatalf("display %v, want %s (lost messages)", content(m)["data"], want)
				}
				got++
			case "status":
				done = content(m)["execution_state"] == "idle"
			}
		case <-timeout:
			t.Fatalf("no idle after 60 s; %d of %d displays", got, n)
		}
	}
	if got != n {
		t.Errorf("got %d displays, want %d", got, n)
	}
	tk.recvWithin(tk.shell, 60*time.Second)
}
