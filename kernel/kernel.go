package kernel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/google/uuid"
)

// Config configures a Kernel.
type Config struct {
	Conn    *ConnectionInfo // sockets and signing key; required
	Handler Handler         // the language; required
	// Version is reported as implementation_version in kernel_info_reply.
	Version string
	// Banner is kernel_info_reply's banner; a default is used when empty.
	Banner string
	// Logger receives protocol diagnostics (dropped messages, unknown
	// types); defaults to stderr.
	Logger *log.Logger
	// StreamInterval is how long stream text is batched; default 50 ms.
	StreamInterval time.Duration

	// unguarded makes the zmq4 sockets listen on the public ports
	// themselves, without guards: only for benchmarks measuring the guards.
	unguarded bool
}

// A Kernel serves the Jupyter protocol for a Handler. Create it with New and
// start it with Run.
type Kernel struct {
	cfg     Config
	signer  *Signer
	session string

	shell, control, stdin, hb zmq4.Socket
	pub                       *publisher

	hist   history
	in     inputs
	replay *replayGuard

	mu        sync.Mutex
	execCount int
	cancelRun context.CancelFunc // cancels the running Execute, if any
	// debugParent is the latest debug_request, the parent of debug events.
	debugParent *Message

	execQ  chan *Message // execute and history requests, in order
	quickQ chan *Message // other shell requests, served while a cell runs

	ctx      context.Context // cancelled when the kernel stops
	stop     context.CancelFunc
	stopOnce sync.Once
	failErr  error // why Run stops with an error, set before stop
}

// sendTimeout bounds a reply's send. zmq4 v0.17.0 can deadlock inside a
// ROUTER send when a peer vanishes mid-write (go-zeromq/zmq4#132); the
// socket is then wedged for good, so the kernel stops and lets the client
// restart it instead of hanging.
const sendTimeout = 20 * time.Second

// New checks cfg and returns a Kernel ready to Run.
func New(cfg Config) (*Kernel, error) {
	if cfg.Conn == nil {
		return nil, errors.New("kernel: no connection info")
	}
	if cfg.Handler == nil {
		return nil, errors.New("kernel: no handler")
	}
	signer, err := NewSigner(cfg.Conn.SignatureScheme, []byte(cfg.Conn.Key))
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	if cfg.Logger == nil {
		cfg.Logger = log.New(os.Stderr, "warren: ", log.LstdFlags)
	}
	if cfg.StreamInterval <= 0 {
		cfg.StreamInterval = 50 * time.Millisecond
	}
	k := &Kernel{
		cfg:     cfg,
		signer:  signer,
		session: uuid.NewString(),
		replay:  newReplayGuard(maxSeenSignatures),
		execQ:   make(chan *Message, 4096),
		quickQ:  make(chan *Message, 4096),
	}
	if d, ok := cfg.Handler.(Debugger); ok {
		d.SetDebugEvents(k.publishDebugEvent)
	}
	return k, nil
}

// Run binds the sockets and serves until ctx is cancelled or a client sends
// shutdown_request. It returns nil on a clean shutdown.
func (k *Kernel) Run(ctx context.Context) error {
	k.ctx, k.stop = context.WithCancel(ctx)
	defer k.stop()
	// Sockets get their own context: they are closed explicitly, after the
	// last replies went out.
	sctx := context.Background()
	zlog := log.New(io.Discard, "", 0)
	if k.cfg.Logger != nil {
		zlog = log.New(k.cfg.Logger.Writer(), k.cfg.Logger.Prefix()+"zmq4: ", k.cfg.Logger.Flags())
	}
	opts := []zmq4.Option{zmq4.WithLogger(zlog), zmq4.WithTimeout(10 * time.Second)}
	k.shell = zmq4.NewRouter(sctx, opts...)
	k.control = zmq4.NewRouter(sctx, opts...)
	k.stdin = zmq4.NewRouter(sctx, opts...)
	k.hb = zmq4.NewRep(sctx, opts...)
	iopub := zmq4.NewPub(sctx, opts...)
	socks := []zmq4.Socket{k.shell, k.control, k.stdin, k.hb, iopub}
	defer func() {
		for _, s := range socks {
			_ = s.Close()
		}
	}()
	// The sockets listen privately; guards own the public ports.
	dir, err := privateDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var guards []*guardedSocket
	defer func() {
		for _, g := range guards {
			_ = g.guard.Close()
		}
	}()
	c := k.cfg.Conn
	for _, b := range []struct {
		name, typ string
		sock      zmq4.Socket
		port      int
	}{
		{"shell", "ROUTER", k.shell, c.ShellPort}, {"control", "ROUTER", k.control, c.ControlPort},
		{"stdin", "ROUTER", k.stdin, c.StdinPort}, {"iopub", "PUB", iopub, c.IOPubPort},
		{"heartbeat", "REP", k.hb, c.HBPort},
	} {
		if k.cfg.unguarded {
			if err := b.sock.Listen(c.Endpoint(b.port)); err != nil {
				return fmt.Errorf("kernel: bind %s: %w", b.name, err)
			}
			continue
		}
		g, err := k.listenGuarded(b.sock, b.name, b.typ, b.port, dir)
		if err != nil {
			return err
		}
		guards = append(guards, g)
	}
	pub := newPublisher(k, iopub)
	k.mu.Lock()
	k.pub = pub // under mu for publishDebugEvent, which other goroutines call
	k.mu.Unlock()
	go pub.run()
	k.pub.publish("status", nil, map[string]any{"execution_state": "starting"})

	go k.heartbeat()
	go k.receive(k.stdin, "stdin", k.handleStdin)
	go k.receive(k.shell, "shell", k.routeShell)
	go k.receive(k.control, "control", k.serveControl)
	go k.quickWorker()
	go k.execWorker()

	<-k.ctx.Done()
	k.interrupt()
	// Let the last iopub messages (idle, shutdown_reply) reach subscribers.
	k.pub.stop(time.Second)
	time.Sleep(50 * time.Millisecond)
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.failErr
}

// Interrupt cancels the context of the running cell, if any. It is what
// interrupt_request does; cmd/warren also calls it on SIGINT.
func (k *Kernel) Interrupt() { k.interrupt() }

func (k *Kernel) interrupt() {
	k.mu.Lock()
	cancel := k.cancelRun
	k.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

// shutdown stops Run after the current reply went out.
func (k *Kernel) shutdown() {
	k.stopOnce.Do(k.stop)
}

// fail stops Run, which returns err.
func (k *Kernel) fail(err error) {
	k.mu.Lock()
	if k.failErr == nil {
		k.failErr = err
	}
	k.mu.Unlock()
	k.shutdown()
}

func (k *Kernel) logf(format string, args ...any) {
	k.cfg.Logger.Printf(format, args...)
}

// heartbeat echoes every ping; it never waits for a running cell.
func (k *Kernel) heartbeat() {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return
			}
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if err := k.hb.Send(msg); err != nil && k.ctx.Err() == nil {
			k.logf("heartbeat: %v", err)
		}
	}
}

// receive reads sock, verifies and decodes each message and passes it to
// handle. Messages with a bad signature, and replays of a signed message
// already received (on any socket), are logged and dropped.
func (k *Kernel) receive(sock zmq4.Socket, name string, handle func(*Message)) {
	for {
		zmsg, err := sock.Recv()
		if err != nil {
			if k.ctx.Err() != nil {
				return
			}
			k.logf("%s: receive: %v", name, err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		msg, err := k.signer.Decode(zmsg.Frames)
		if err != nil {
			k.logf("%s: dropped message: %v", name, err)
			continue
		}
		if !k.replay.fresh(msg.signature) {
			k.logf("%s: dropped replayed message %s (signature seen before)", name, msg.Header.MsgType)
			continue
		}
		handle(msg)
	}
}

// routeShell queues a shell message: execute and history requests keep
// their order in execQ; everything else is answered by quickWorker, also
// while a cell runs.
func (k *Kernel) routeShell(msg *Message) {
	q := k.quickQ
	switch msg.Header.MsgType {
	case "execute_request", "history_request":
		q = k.execQ
	case "interrupt_request":
		// Served at once: nothing may queue ahead of an interrupt.
		k.serve(k.shell, msg)
		return
	}
	select {
	case q <- msg:
	case <-k.ctx.Done():
	}
}

func (k *Kernel) quickWorker() {
	for {
		select {
		case msg := <-k.quickQ:
			k.serve(k.shell, msg)
		case <-k.ctx.Done():
			return
		}
	}
}

func (k *Kernel) execWorker() {
	for {
		select {
		case msg := <-k.execQ:
			k.serve(k.shell, msg)
		case <-k.ctx.Done():
			return
		}
	}
}

// serveControl answers a control message on the control socket, on the
// control goroutine: it never waits for a running cell.
func (k *Kernel) serveControl(msg *Message) {
	if msg.Header.MsgType == "execute_request" {
		k.logf("control: execute_request is only served on shell; ignored")
		return
	}
	k.serve(k.control, msg)
}

// reply sends a reply of msgType to parent on sock.
func (k *Kernel) reply(sock zmq4.Socket, parent *Message, msgType string, content any) {
	m, err := newMessage(msgType, k.session, parent, content)
	if err != nil {
		k.logf("%s: %v", msgType, err)
		return
	}
	if err := k.sendMessage(sock, m); err != nil {
		k.logf("%v", err)
	}
}

// sendMessage signs m and sends it on sock. A send stuck for sendTimeout
// stops the kernel (see sendTimeout).
func (k *Kernel) sendMessage(sock zmq4.Socket, m *Message) error {
	msgType := m.Header.MsgType
	frames, err := k.signer.Encode(m)
	if err != nil {
		return fmt.Errorf("%s: %w", msgType, err)
	}
	done := make(chan error, 1)
	go func() { done <- sock.SendMulti(zmq4.NewMsgFrom(frames...)) }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("send %s: %w", msgType, err)
		}
		return nil
	case <-time.After(sendTimeout):
		err := fmt.Errorf("kernel: sending %s stuck for %v (zmq4 ROUTER write deadlock, go-zeromq/zmq4#132)", msgType, sendTimeout)
		k.fail(err)
		return err
	}
}

// status publishes execution_state with parent as parent header.
func (k *Kernel) status(state string, parent *Message) {
	k.pub.publish("status", parent, map[string]any{"execution_state": state})
}
