// Package zmtpguard is a ZMTP 3.0 front for a ZeroMQ socket that must face
// untrusted peers: it owns the public listener, accepts connections
// concurrently, performs the greeting and NULL handshake itself under a
// deadline, checks every length a peer sends against limits, and relays
// each connection that passed to the real socket listening on a private
// address (the kernel's go-zeromq/zmq4 sockets on unix sockets in a
// private directory). Messages to a peer wait in a queue of their own with
// a high-water mark; past it they are dropped, as libzmq does, so a peer
// that never reads cannot stall the socket for the others.
//
// It is not a ZeroMQ implementation: it does not route, match topics or
// reassemble anything beyond one message, and it speaks only the NULL
// mechanism (what Jupyter uses). It is not an authentication layer either:
// Jupyter messages are authenticated by their HMAC signature, checked by
// the kernel behind it.
package zmtpguard

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Config configures a Guard.
type Config struct {
	// SocketType is the ZeroMQ type of the socket behind the guard
	// ("ROUTER", "PUB", "REP"), announced to peers in READY.
	SocketType string
	// Dial connects to the socket behind the guard.
	Dial func(ctx context.Context) (net.Conn, error)
	// HandshakeTimeout bounds a peer's greeting and READY (and the private
	// handshake); default 10 s.
	HandshakeTimeout time.Duration
	// MaxMessage bounds a peer's message (its frames' bodies plus 9 bytes
	// per frame); a peer that sends more is disconnected. Default 256 MiB.
	MaxMessage int64
	// MaxFrames bounds the frames of one message; default 4096.
	MaxFrames int
	// SendHWM and SendHWMBytes bound the messages queued for one peer; a
	// message that would pass either is dropped. Defaults 1,048,576
	// messages and 64 MiB: the bytes are what bounds a silent peer's
	// memory; libzmq's count of 1,000 (ZMQ_SNDHWM) would drop messages,
	// the idle status among them, for a client that reads a burst of
	// small messages (display updates in a loop) a little slower than the
	// kernel publishes them.
	SendHWM      int
	SendHWMBytes int64
	// Logf receives one line per rejected peer or dropped message (at most
	// one per peer per second for drops); nil discards.
	Logf func(format string, args ...any)
}

// maxCommand bounds a command frame (READY metadata, PING). libzmq's READY
// holds Socket-Type, a routing id of at most 255 bytes and any
// ZMQ_METADATA properties the application set.
const maxCommand = 64 << 10

// A Guard serves one listener. Create it with New, run Serve, stop it with
// Close.
type Guard struct {
	cfg Config
	ln  net.Listener

	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// New returns a Guard for ln with cfg's defaults filled in.
func New(ln net.Listener, cfg Config) *Guard {
	if cfg.HandshakeTimeout <= 0 {
		cfg.HandshakeTimeout = 10 * time.Second
	}
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = 256 << 20
	}
	if cfg.MaxFrames <= 0 {
		cfg.MaxFrames = 4096
	}
	if cfg.SendHWM <= 0 {
		cfg.SendHWM = 1 << 20
	}
	if cfg.SendHWMBytes <= 0 {
		cfg.SendHWMBytes = 64 << 20
	}
	if cfg.Logf == nil {
		cfg.Logf = func(string, ...any) {}
	}
	return &Guard{cfg: cfg, ln: ln, conns: map[net.Conn]struct{}{}}
}

// Addr is the listener's address.
func (g *Guard) Addr() net.Addr { return g.ln.Addr() }

// addr names the guard in log lines.
func (g *Guard) addr() string {
	if g.ln == nil {
		return g.cfg.SocketType
	}
	return g.ln.Addr().String()
}

// Serve accepts connections until Close, each handled on its own
// goroutine. It returns nil after Close.
func (g *Guard) Serve() error {
	var delay time.Duration
	for {
		c, err := g.ln.Accept()
		if err != nil {
			if g.isClosed() {
				return nil
			}
			// e.g. EMFILE: back off as net/http does, and keep serving.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			g.cfg.Logf("accept: %v (retrying in %v)", err, delay)
			time.Sleep(delay)
			continue
		}
		delay = 0
		// Added under the lock Close takes: no Add after Close's Wait began.
		g.mu.Lock()
		if g.closed {
			g.mu.Unlock()
			c.Close()
			return nil
		}
		g.conns[c] = struct{}{}
		g.wg.Add(1)
		g.mu.Unlock()
		go func() {
			defer g.wg.Done()
			defer g.untrack(c)
			g.serveConn(c)
		}()
	}
}

// Close stops Serve and closes every connection; it waits for their
// goroutines.
func (g *Guard) Close() error {
	g.mu.Lock()
	g.closed = true
	for c := range g.conns {
		c.Close()
	}
	g.mu.Unlock()
	err := g.ln.Close()
	g.wg.Wait()
	return err
}

func (g *Guard) isClosed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.closed
}

func (g *Guard) track(c net.Conn) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return false
	}
	g.conns[c] = struct{}{}
	return true
}

func (g *Guard) untrack(c net.Conn) {
	g.mu.Lock()
	delete(g.conns, c)
	g.mu.Unlock()
	c.Close()
}

// serveConn handshakes with the peer, then with the private socket, then
// relays both ways until either side ends.
func (g *Guard) serveConn(peer net.Conn) {
	deadline := time.Now().Add(g.cfg.HandshakeTimeout)
	pr, ready, err := g.handshakePeer(peer, deadline)
	if err != nil {
		g.cfg.Logf("%s: %s peer %s rejected: %v", g.addr(), g.cfg.SocketType, peer.RemoteAddr(), err)
		return
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	up, err := g.cfg.Dial(ctx)
	cancel()
	if err != nil {
		g.cfg.Logf("%s: dial private socket: %v", g.addr(), err)
		return
	}
	if !g.track(up) {
		up.Close()
		return
	}
	defer g.untrack(up)
	ur, err := handshakeUpstream(up, ready, deadline)
	if err != nil {
		g.cfg.Logf("%s: private handshake: %v", g.addr(), err)
		return
	}
	g.relay(peer, pr, up, ur)
}

// handshakePeer sends the guard's greeting and READY, reads and checks the
// peer's, and returns the reader positioned after them and the peer's
// READY body.
func (g *Guard) handshakePeer(c net.Conn, deadline time.Time) (*bufio.Reader, []byte, error) {
	if err := c.SetDeadline(deadline); err != nil {
		return nil, nil, err
	}
	out := greeting(true)
	out = appendFrame(out, frame{flags: flagCommand, body: readyBody(g.cfg.SocketType)})
	if _, err := c.Write(out); err != nil {
		return nil, nil, err
	}
	r := bufio.NewReaderSize(c, 64<<10)
	body, err := acceptHandshake(r, g.cfg.SocketType)
	if err != nil {
		return nil, nil, err
	}
	if err := c.SetDeadline(time.Time{}); err != nil {
		return nil, nil, err
	}
	return r, body, nil
}

// acceptHandshake reads a peer's greeting and READY command from r and
// checks them: ZMTP 3.x, NULL, a well-formed READY whose Socket-Type may
// talk to ours. It returns the READY command's body.
func acceptHandshake(r *bufio.Reader, ours string) ([]byte, error) {
	var gr [greetingLen]byte
	if _, err := io.ReadFull(r, gr[:]); err != nil {
		return nil, fmt.Errorf("greeting: %w", unexpected(err))
	}
	if err := checkGreeting(gr[:]); err != nil {
		return nil, fmt.Errorf("greeting: %w", err)
	}
	f, err := readFrame(r, maxCommand)
	if err != nil {
		return nil, fmt.Errorf("READY: %w", err)
	}
	if !f.command() {
		return nil, errors.New("a message before READY")
	}
	name, data, err := command(f.body)
	if err != nil {
		return nil, fmt.Errorf("READY: %w", err)
	}
	if name != "READY" {
		return nil, fmt.Errorf("command %q before READY", name)
	}
	props, err := properties(data)
	if err != nil {
		return nil, fmt.Errorf("READY: %w", err)
	}
	if id, ok := props["identity"]; ok && len(id) > 255 {
		return nil, fmt.Errorf("READY: identity of %d bytes, at most 255", len(id))
	}
	if st := props["socket-type"]; !compatible(ours, st) {
		return nil, fmt.Errorf("READY: socket type %q cannot talk to %s", st, ours)
	}
	return f.body, nil
}

// handshakeUpstream greets the private socket as a client, sends the
// peer's READY and reads the socket's greeting and READY.
func handshakeUpstream(c net.Conn, ready []byte, deadline time.Time) (*bufio.Reader, error) {
	if err := c.SetDeadline(deadline); err != nil {
		return nil, err
	}
	out := greeting(false)
	out = appendFrame(out, frame{flags: flagCommand, body: ready})
	if _, err := c.Write(out); err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(c, 64<<10)
	var gr [greetingLen]byte
	if _, err := io.ReadFull(r, gr[:]); err != nil {
		return nil, err
	}
	if err := checkGreeting(gr[:]); err != nil {
		return nil, err
	}
	f, err := readFrame(r, maxCommand)
	if err != nil {
		return nil, err
	}
	if name, _, err := command(f.body); err != nil || !f.command() || name != "READY" {
		return nil, fmt.Errorf("private socket sent no READY (%v)", err)
	}
	return r, c.SetDeadline(time.Time{})
}
