package zmtpguard

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// FuzzAcceptHandshake: whatever a peer sends first, the handshake parser
// returns (no panic, no allocation of a declared size), and what it
// accepts is a READY command that zmq4's parser can read.
func FuzzAcceptHandshake(f *testing.F) {
	f.Add(append(bytes.Clone(nullGreeting), readyFrame("DEALER")...))
	f.Add(append(bytes.Clone(nullGreeting), 0x06, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff))
	f.Add(append(bytes.Clone(nullGreeting), append([]byte{0x04, 0x0d, 0x05}, "READY\x0bSocket"...)...))
	f.Fuzz(func(t *testing.T, data []byte) {
		body, err := acceptHandshake(bufio.NewReader(bytes.NewReader(data)), "ROUTER")
		if err != nil {
			return
		}
		name, props, err := command(body)
		if err != nil || name != "READY" {
			t.Fatalf("accepted a body that is not READY: %q %v", name, err)
		}
		if _, err := properties(props); err != nil {
			t.Fatalf("accepted malformed properties: %v", err)
		}
	})
}

// FuzzPeerMessage: the message reader keeps its limits on any input, and
// re-encodes what it accepts so that it reads back the same.
func FuzzPeerMessage(f *testing.F) {
	f.Add([]byte{0x01, 1, 'a', 0x00, 0})
	f.Add([]byte{0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x02, 0, 0, 0, 0x19, 0, 0, 0, 0})
	f.Add([]byte{0x04, 7, 4, 'P', 'I', 'N', 'G', 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		const max, maxFrames = 4096, 16
		msg, frames, err := readPeerMessage(bufio.NewReader(bytes.NewReader(data)), max, maxFrames)
		if err != nil {
			return
		}
		if len(frames) > maxFrames {
			t.Fatalf("%d frames accepted, limit %d", len(frames), maxFrames)
		}
		total := 0
		for _, fr := range frames {
			total += len(fr.body) + 9
		}
		if total > max {
			t.Fatalf("%d bytes accepted, limit %d", total, max)
		}
		again, frames2, err := readPeerMessage(bufio.NewReader(bytes.NewReader(msg)), max, maxFrames)
		if err != nil || !bytes.Equal(again, msg) || len(frames2) != len(frames) {
			t.Fatalf("re-encoding does not read back: %v", err)
		}
		if frames[0].command() {
			answer(frames[0])
		}
	})
}

// FuzzGuardZmq4 sends each input through a guard to real zmq4 sockets
// (ROUTER, PUB, REP) on private unix sockets: nothing the guard lets pass
// may crash zmq4 (a panic in zmq4's goroutines ends the fuzzing process).
// The input is what a peer writes after connecting; the peer then closes.
func FuzzGuardZmq4(f *testing.F) {
	f.Add(append(bytes.Clone(nullGreeting), readyFrame("DEALER")...), uint8(0))
	f.Add(append(append(bytes.Clone(nullGreeting), readyFrame("DEALER")...), 0x01, 0, 0x00, 2, 'h', 'i'), uint8(0))
	f.Add(append(append(bytes.Clone(nullGreeting), readyFrame("SUB")...), 0x00, 1, 1, 0x00, 0), uint8(1))
	f.Add(append(append(bytes.Clone(nullGreeting), readyFrame("REQ")...), 0x01, 0, 0x00, 4, 'p', 'i', 'n', 'g'), uint8(2))
	f.Add(append(append(bytes.Clone(nullGreeting), readyFrame("DEALER")...), 0x02, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff), uint8(0))
	f.Add(append(append(bytes.Clone(nullGreeting), readyFrame("DEALER")...), 0x04, 7, 4, 'P', 'I', 'N', 'G', 0, 1), uint8(0))
	guards := map[string]*Guard{}
	dir := f.TempDir()
	bg := context.Background()
	done := make(chan struct{})
	f.Cleanup(func() { close(done) })
	for _, s := range []struct {
		typ  string
		sock zmq4.Socket
	}{{"ROUTER", zmq4.NewRouter(bg)}, {"PUB", zmq4.NewPub(bg)}, {"REP", zmq4.NewRep(bg)}} {
		private := filepath.Join(dir, s.typ)
		if err := s.sock.Listen("ipc://" + private); err != nil {
			f.Fatal(err)
		}
		f.Cleanup(func() { s.sock.Close() })
		go func(sock zmq4.Socket) { // keep the sockets reading
			for {
				if _, err := sock.Recv(); err != nil {
					select {
					case <-done:
						return
					case <-time.After(time.Millisecond):
					}
				}
			}
		}(s.sock)
		guards[s.typ] = New(nil, Config{SocketType: s.typ, HandshakeTimeout: time.Second,
			MaxMessage: 1 << 20,
			Dial: func(ctx context.Context) (net.Conn, error) {
				var d net.Dialer
				return d.DialContext(ctx, "unix", private)
			}})
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		typ := []string{"ROUTER", "PUB", "REP"}[int(which)%3]
		g := guards[typ]
		peer, ours := net.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			g.serveConn(ours)
			ours.Close()
		}()
		go io.Copy(io.Discard, peer)
		_ = peer.SetWriteDeadline(time.Now().Add(time.Second))
		_, _ = peer.Write(data)
		peer.Close()
		<-done
	})
}
