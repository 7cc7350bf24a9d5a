package zmtpguard

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// nullGreeting is ff 00×7 01 7f 03 00 "NULL" 00×16 00×32, written out.
var nullGreeting = append(append([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0}, "NULL"...), make([]byte, 48)...)

func readyFrame(typ string) []byte {
	body := append([]byte("\x05READY\x0bSocket-Type"), 0, 0, 0, byte(len(typ)))
	body = append(body, typ...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

func TestGreetingBytes(t *testing.T) {
	if got := greeting(false); !bytes.Equal(got, nullGreeting) {
		t.Errorf("greeting(false) = % x\nwant            % x", got, nullGreeting)
	}
	if err := checkGreeting(nullGreeting); err != nil {
		t.Errorf("the NULL greeting is refused: %v", err)
	}
}

func TestAcceptHandshake(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input []byte
		err   string // "" accepts
	}{
		{"DEALER", append(bytes.Clone(nullGreeting), readyFrame("DEALER")...), ""},
		{"REQ", append(bytes.Clone(nullGreeting), readyFrame("REQ")...), ""},
		{"PUB peer", append(bytes.Clone(nullGreeting), readyFrame("PUB")...), "cannot talk to ROUTER"},
		{"ZMTP 2", append(append([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 1}, "NULL"...), make([]byte, 49)...), "version"},
		{"PLAIN", append(append([]byte{0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 3, 0}, "PLAIN"...), make([]byte, 47)...), "mechanism"},
		{"frame length 2^63-1", append(bytes.Clone(nullGreeting), 0x06, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), "over the limit"},
		{"READY cut short", append(bytes.Clone(nullGreeting), append([]byte{0x04, 0x0d, 0x05}, "READY\x0bSocket"...)...), "property name"},
		{"value length cut short", append(bytes.Clone(nullGreeting), append([]byte{0x04, 0x14, 0x05}, "READY\x0bSocket-Type\x00\x00"...)...), "cut short"},
		{"message before READY", append(bytes.Clone(nullGreeting), 0x00, 0x01, 'x'), "before READY"},
		{"PING before READY", append(bytes.Clone(nullGreeting), append([]byte{0x04, 0x07, 0x04}, "PING\x00\x00"...)...), "before READY"},
		{"empty command", append(bytes.Clone(nullGreeting), 0x04, 0x00), "empty command"},
		{"eof in greeting", nullGreeting[:20], "unexpected EOF"},
	} {
		_, err := acceptHandshake(bufio.NewReader(bytes.NewReader(tc.input)), "ROUTER")
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
		}
	}
}

func TestReadPeerMessageLimits(t *testing.T) {
	long := func(flags byte, n uint64) []byte {
		return binary.BigEndian.AppendUint64([]byte{flags | flagLong}, n)
	}
	for _, tc := range []struct {
		name  string
		input []byte
		err   string
	}{
		{"100 GiB frame", long(0, 100<<30), "over the limit"},
		{"frames adding up past the limit", append(append(long(flagMore, 600), make([]byte, 600)...), long(0, 600)...), "over the limit"},
		{"reserved flag bits", []byte{0x08, 0}, "reserved"},
		{"command with MORE", []byte{0x05, 0}, "MORE"},
		{"cut short", []byte{0x01, 0x01, 'a'}, "unexpected EOF"},
	} {
		_, _, err := readPeerMessage(bufio.NewReader(bytes.NewReader(tc.input)), 1000, 8)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.err)
		}
	}
	var many []byte
	for i := 0; i < 9; i++ {
		many = append(many, flagMore, 0)
	}
	if _, _, err := readPeerMessage(bufio.NewReader(bytes.NewReader(many)), 1000, 8); !errors.Is(err, errLimit) {
		t.Errorf("9 frames with a limit of 8: %v", err)
	}
	msg, frames, err := readPeerMessage(bufio.NewReader(bytes.NewReader([]byte{0x01, 1, 'a', 0x00, 0})), 1000, 8)
	if err != nil || len(frames) != 2 || !bytes.Equal(msg, []byte{0x01, 1, 'a', 0x00, 0}) {
		t.Errorf("two frames: % x %d %v", msg, len(frames), err)
	}
}

func TestQueueHighWaterMark(t *testing.T) {
	q := newQueue(3, 10)
	if !q.push(make([]byte, 50)) {
		t.Fatal("a first message over the byte mark must be queued")
	}
	if q.push([]byte("x")) {
		t.Error("a message past the byte mark was queued")
	}
	batch, ok := q.take()
	if !ok || len(batch) != 1 {
		t.Fatalf("take: %d %v", len(batch), ok)
	}
	for i := 0; i < 3; i++ {
		if !q.push([]byte("y")) {
			t.Fatalf("message %d dropped under the mark", i)
		}
	}
	if q.push([]byte("z")) || q.droppedCount() != 2 {
		t.Errorf("the 4th message under a mark of 3 was queued (dropped %d)", q.droppedCount())
	}
	q.close()
	if _, ok := q.take(); ok {
		t.Error("take after close")
	}
}

func TestPingAnswered(t *testing.T) {
	got := answer(frame{flags: flagCommand, body: []byte("\x04PING\x00\x10ctx")})
	if want := []byte("\x04\x08\x04PONGctx"); !bytes.Equal(got, want) {
		t.Errorf("PONG % x, want % x", got, want)
	}
	if answer(frame{flags: flagCommand, body: []byte("\x04PING\x00")}) != nil {
		t.Error("a PING without TTL was answered")
	}
}

// zmq4Behind runs a zmq4 socket of type typ on a private unix socket and
// a guard in front of it on a loopback TCP port.
func zmq4Behind(t testing.TB, sock zmq4.Socket, typ string) *Guard {
	t.Helper()
	dir := t.TempDir()
	private := filepath.Join(dir, "s")
	if err := sock.Listen("ipc://" + private); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := New(ln, Config{SocketType: typ, Dial: func(ctx context.Context) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", private)
	}, HandshakeTimeout: 2 * time.Second})
	go g.Serve()
	t.Cleanup(func() {
		g.Close()
		sock.Close()
	})
	return g
}

// A zmq4 client talks to a zmq4 ROUTER through the guard both ways, and
// the ROUTER sees the client's identity.
func TestRelayRouterDealer(t *testing.T) {
	router := zmq4.NewRouter(context.Background())
	g := zmq4Behind(t, router, "ROUTER")
	dealer := zmq4.NewDealer(context.Background(), zmq4.WithID(zmq4.SocketIdentity("me")))
	defer dealer.Close()
	if err := dealer.Dial("tcp://" + g.Addr().String()); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte("b"), 300) // a long frame
	if err := dealer.SendMulti(zmq4.NewMsgFrom([]byte("hello"), big)); err != nil {
		t.Fatal(err)
	}
	m, err := router.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Frames) != 3 || string(m.Frames[0]) != "me" || string(m.Frames[1]) != "hello" || !bytes.Equal(m.Frames[2], big) {
		t.Fatalf("router got %q", m.Frames)
	}
	if err := router.SendMulti(zmq4.NewMsgFrom([]byte("me"), []byte("back"))); err != nil {
		t.Fatal(err)
	}
	r, err := dealer.Recv()
	if err != nil || len(r.Frames) != 1 || string(r.Frames[0]) != "back" {
		t.Fatalf("dealer got %q %v", r.Frames, err)
	}
}

// A subscriber that never reads loses messages past its high-water mark;
// one that reads gets every message, in order.
func TestRelayPubSlowSubscriber(t *testing.T) {
	pub := zmq4.NewPub(context.Background())
	g := zmq4Behind(t, pub, "PUB")
	slow, err := net.Dial("tcp", g.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	_ = slow.(*net.TCPConn).SetReadBuffer(4096)
	if _, err := slow.Write(append(append(bytes.Clone(nullGreeting), readyFrame("SUB")...), 0, 1, 1)); err != nil {
		t.Fatal(err)
	}
	sub := zmq4.NewSub(context.Background())
	defer sub.Close()
	if err := sub.Dial("tcp://" + g.Addr().String()); err != nil {
		t.Fatal(err)
	}
	if err := sub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let both subscriptions reach the PUB socket
	const n = 3000                     // 12 MB: under the 64 MiB high-water mark, the reader loses none
	payload := bytes.Repeat([]byte("p"), 4096)
	var wg sync.WaitGroup
	wg.Add(1)
	var got int
	var recvErr error
	go func() {
		defer wg.Done()
		for got < n {
			m, err := sub.Recv()
			if err != nil {
				recvErr = err
				return
			}
			if want := string(rune('a' + got%26)); string(m.Frames[0]) != want {
				recvErr = errors.New("out of order: " + string(m.Frames[0]) + " want " + want)
				return
			}
			got++
		}
	}()
	for i := 0; i < n; i++ {
		if err := pub.SendMulti(zmq4.NewMsgFrom([]byte(string(rune('a'+i%26))), payload)); err != nil {
			t.Fatal(err)
		}
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the reading subscriber got %d of %d messages", got, n)
	}
	if recvErr != nil {
		t.Fatal(recvErr)
	}
	// The slow subscriber's connection is still open: it was not cut off,
	// only its messages past the mark were dropped.
	_ = slow.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	if _, err := io.ReadFull(slow, make([]byte, 64)); err != nil {
		t.Errorf("the slow subscriber cannot read: %v", err)
	}
}

// A peer that does not finish its handshake within the deadline is
// disconnected; one that did is not, however long it stays idle.
func TestHandshakeDeadline(t *testing.T) {
	router := zmq4.NewRouter(context.Background())
	dir := t.TempDir()
	private := filepath.Join(dir, "s")
	if err := router.Listen("ipc://" + private); err != nil {
		t.Fatal(err)
	}
	defer router.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g := New(ln, Config{SocketType: "ROUTER", HandshakeTimeout: 300 * time.Millisecond,
		Dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", private)
		}})
	go g.Serve()
	defer g.Close()
	idle, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	done, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer done.Close()
	if _, err := done.Write(append(bytes.Clone(nullGreeting), readyFrame("DEALER")...)); err != nil {
		t.Fatal(err)
	}
	// The idle peer reads the guard's greeting and READY, then EOF.
	_ = idle.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.Copy(io.Discard, idle); err != nil {
		t.Fatalf("the idle peer was not disconnected: %v", err)
	}
	// The peer that finished its handshake is still connected well past
	// the deadline.
	_ = done.SetReadDeadline(time.Now().Add(time.Second))
	n, err := io.Copy(io.Discard, done)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() || n == 0 {
		t.Fatalf("the peer that handshook: read %d bytes, %v; want its greeting and then a read timeout", n, err)
	}
}

// A subscriber that subscribes with a ZMTP 3.1 SUBSCRIBE command gets the
// messages of its topic: the guard turns it into the 3.0 form zmq4 reads.
func TestSubscribeCommand(t *testing.T) {
	pub := zmq4.NewPub(context.Background())
	g := zmq4Behind(t, pub, "PUB")
	c, err := net.Dial("tcp", g.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sub := append([]byte{0x04, 13, 9}, "SUBSCRIBEtop"...)
	if _, err := c.Write(append(append(bytes.Clone(nullGreeting), readyFrame("SUB")...), sub...)); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(c)
	if _, err := io.ReadFull(r, make([]byte, greetingLen)); err != nil {
		t.Fatal(err)
	}
	if _, err := readFrame(r, maxCommand); err != nil { // the guard's READY
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let the subscription reach the socket
	for _, topic := range []string{"other", "topic"} {
		if err := pub.Send(zmq4.NewMsgString(topic)); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	f, err := readFrame(r, 1<<20)
	if err != nil || string(f.body) != "topic" {
		t.Fatalf("got %q, %v; want the message of topic \"top…\" only", f.body, err)
	}
}
