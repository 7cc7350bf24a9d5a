package zmtpguard

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// relay copies messages both ways until either side ends, then closes
// both. Peer→socket: each message is read whole under the limits, then
// written; the peer's commands are answered (PING) or dropped. Socket→peer:
// messages wait in the peer's queue, dropped past the high-water mark.
func (g *Guard) relay(peer net.Conn, pr *bufio.Reader, up net.Conn, ur *bufio.Reader) {
	q := newQueue(g.cfg.SendHWM, g.cfg.SendHWMBytes)
	var wg sync.WaitGroup
	stop := func() {
		q.close()
		peer.Close()
		up.Close()
	}
	wg.Add(2)
	go func() { // queue → peer
		defer wg.Done()
		defer stop()
		for {
			batch, ok := q.take()
			if !ok {
				return
			}
			bufs := net.Buffers(batch)
			if _, err := bufs.WriteTo(peer); err != nil {
				return
			}
		}
	}()
	go func() { // socket → queue
		defer wg.Done()
		defer stop()
		var lastLog time.Time
		for {
			msg, err := readMessage(ur, 1<<62, 1<<30)
			if err != nil {
				return
			}
			if !q.push(msg) && time.Since(lastLog) > time.Second {
				lastLog = time.Now()
				g.cfg.Logf("%s: %s peer %s is not reading: messages dropped (%d so far; high-water mark %d messages or %d bytes)",
					g.addr(), g.cfg.SocketType, peer.RemoteAddr(), q.droppedCount(), g.cfg.SendHWM, g.cfg.SendHWMBytes)
			}
		}
	}()
	// peer → socket, on this goroutine.
	err := g.forward(pr, up, q)
	if err != nil {
		g.cfg.Logf("%s: %s peer %s disconnected: %v", g.addr(), g.cfg.SocketType, peer.RemoteAddr(), err)
	}
	stop()
	wg.Wait()
}

// forward reads the peer's messages and writes the acceptable ones to up.
// It returns nil when the peer closed the connection.
func (g *Guard) forward(pr *bufio.Reader, up net.Conn, q *queue) error {
	for {
		msg, frames, err := readPeerMessage(pr, g.cfg.MaxMessage, g.cfg.MaxFrames)
		if err != nil {
			if isClosed(err) {
				return nil
			}
			return err
		}
		if frames[0].command() {
			if pong := answer(frames[0]); pong != nil {
				q.push(pong)
				continue
			}
			sub := subscriptionCommand(frames[0])
			if sub == nil || g.cfg.SocketType != "PUB" {
				continue // nothing else behind the guard needs a peer's command
			}
			msg, frames = appendFrame(nil, frame{body: sub}), []frame{{body: sub}}
		}
		if g.cfg.SocketType == "PUB" && !subscription(frames) {
			continue // a subscriber sends only (un)subscriptions
		}
		if _, err := up.Write(msg); err != nil {
			return nil // the socket behind went away
		}
	}
}

// readPeerMessage reads one message (or one command) from a peer: at most
// maxFrames frames whose bodies plus 9 bytes each stay within maxBytes. It
// returns the message re-encoded and its frames.
func readPeerMessage(r *bufio.Reader, maxBytes int64, maxFrames int) ([]byte, []frame, error) {
	var (
		frames []frame
		total  int64
		out    []byte
	)
	for {
		rem := maxBytes - total - 9
		if rem < 0 {
			return nil, nil, fmt.Errorf("message of more than %d bytes: %w", maxBytes, errLimit)
		}
		f, err := readFrame(r, rem)
		if err != nil {
			if len(frames) > 0 {
				err = unexpected(err)
			}
			return nil, nil, err
		}
		if len(frames) > 0 && f.command() {
			return nil, nil, fmt.Errorf("command frame inside a message")
		}
		frames = append(frames, f)
		total += int64(len(f.body)) + 9
		out = appendFrame(out, f)
		if !f.more() {
			return out, frames, nil
		}
		if len(frames) >= maxFrames {
			return nil, nil, fmt.Errorf("message of more than %d frames: %w", maxFrames, errLimit)
		}
	}
}

// readMessage reads one message or command from the trusted socket behind
// the guard, re-encoded.
func readMessage(r *bufio.Reader, maxBytes int64, maxFrames int) ([]byte, error) {
	msg, _, err := readPeerMessage(r, maxBytes, maxFrames)
	return msg, err
}

// answer returns the PONG for a PING command (ZMTP 3.1), nil otherwise.
func answer(f frame) []byte {
	name, data, err := command(f.body)
	if err != nil || name != "PING" || len(data) < 2 {
		return nil
	}
	ctx := data[2:]
	if len(ctx) > 16 {
		ctx = ctx[:16]
	}
	body := append([]byte{4}, "PONG"...)
	return appendFrame(nil, frame{flags: flagCommand, body: append(body, ctx...)})
}

// subscriptionCommand returns the ZMTP 3.0 form (1 or 0, then the topic)
// of a ZMTP 3.1 SUBSCRIBE or CANCEL command, nil for other commands. A peer
// speaking 3.1 may send these even to the guard's 3.0 greeting.
func subscriptionCommand(f frame) []byte {
	name, data, err := command(f.body)
	switch {
	case err != nil:
		return nil
	case name == "SUBSCRIBE":
		return append([]byte{1}, data...)
	case name == "CANCEL":
		return append([]byte{0}, data...)
	}
	return nil
}

// subscription reports whether a message is a ZMTP 3.0 subscribe or
// unsubscribe: one frame starting with 1 or 0.
func subscription(frames []frame) bool {
	return len(frames) == 1 && len(frames[0].body) > 0 && frames[0].body[0] <= 1
}

func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed)
}

// queue holds the messages waiting for one peer, bounded by a message count
// and a byte count; a push past either is dropped (at least one message is
// always accepted, however large).
type queue struct {
	mu       sync.Mutex
	msgs     [][]byte
	size     int64
	hwm      int
	hwmBytes int64
	dropped  int64
	closed   bool
	ready    chan struct{} // has a token while msgs is non-empty or closed
}

func newQueue(hwm int, hwmBytes int64) *queue {
	return &queue{hwm: hwm, hwmBytes: hwmBytes, ready: make(chan struct{}, 1)}
}

// push queues msg; it reports false when msg was dropped.
func (q *queue) push(msg []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return false
	}
	if len(q.msgs) >= q.hwm || len(q.msgs) > 0 && q.size+int64(len(msg)) > q.hwmBytes {
		q.dropped++
		return false
	}
	q.msgs = append(q.msgs, msg)
	q.size += int64(len(msg))
	q.signal()
	return true
}

func (q *queue) signal() {
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// take waits for queued messages and returns all of them; false once
// closed.
func (q *queue) take() ([][]byte, bool) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return nil, false
		}
		if len(q.msgs) > 0 {
			batch := q.msgs
			q.msgs, q.size = nil, 0
			q.mu.Unlock()
			return batch, true
		}
		q.mu.Unlock()
		<-q.ready
	}
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.signal()
}

func (q *queue) droppedCount() int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}
