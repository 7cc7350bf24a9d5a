package zmtpguard

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ZMTP 3 wire constants (https://rfc.zeromq.org/spec/23/).
const (
	greetingLen = 64

	flagMore    = 0x01
	flagLong    = 0x02
	flagCommand = 0x04
)

// errLimit is wrapped by every error that rejects a peer for exceeding a
// limit, rather than for a malformed byte.
var errLimit = errors.New("over the limit")

// greeting returns the ZMTP 3.0 greeting of the NULL mechanism:
// ff 00×7 01 7f 03 00 "NULL" 00×16, as-server, 00×31.
func greeting(asServer bool) []byte {
	g := make([]byte, greetingLen)
	g[0] = 0xff
	g[8] = 0x01
	g[9] = 0x7f
	g[10], g[11] = 3, 0
	copy(g[12:32], "NULL")
	if asServer {
		g[32] = 1
	}
	return g
}

// checkGreeting accepts a ZMTP 3.x greeting offering the NULL mechanism.
func checkGreeting(g []byte) error {
	if len(g) != greetingLen {
		return fmt.Errorf("greeting of %d bytes, want %d", len(g), greetingLen)
	}
	if g[0] != 0xff || g[9] != 0x7f {
		return errors.New("not a ZMTP signature")
	}
	if g[10] < 3 {
		return fmt.Errorf("ZMTP version %d.%d, want 3.x", g[10], g[11])
	}
	mech := g[12:32]
	if !bytes.Equal(bytes.TrimRight(mech, "\x00"), []byte("NULL")) {
		return fmt.Errorf("security mechanism %q, want NULL", bytes.TrimRight(mech, "\x00"))
	}
	return nil
}

// frame is one ZMTP frame: its flags and body.
type frame struct {
	flags byte
	body  []byte
}

func (f frame) more() bool    { return f.flags&flagMore != 0 }
func (f frame) command() bool { return f.flags&flagCommand != 0 }

// appendFrame appends f's encoding (short or long form as its size needs).
func appendFrame(dst []byte, f frame) []byte {
	flags := f.flags &^ flagLong
	if len(f.body) > 255 {
		dst = append(dst, flags|flagLong)
		dst = binary.BigEndian.AppendUint64(dst, uint64(len(f.body)))
	} else {
		dst = append(dst, flags, byte(len(f.body)))
	}
	return append(dst, f.body...)
}

// readFrame reads one frame whose body is at most max bytes. The body is
// read as it arrives, so a large declared size costs memory only for the
// bytes actually sent. Unknown flag bits, and a command with more frames
// to follow, are malformed.
func readFrame(r *bufio.Reader, max int64) (frame, error) {
	flags, err := r.ReadByte()
	if err != nil {
		return frame{}, err
	}
	if flags&^(flagMore|flagLong|flagCommand) != 0 {
		return frame{}, fmt.Errorf("frame flags %#02x: reserved bits set", flags)
	}
	if flags&flagCommand != 0 && flags&flagMore != 0 {
		return frame{}, errors.New("command frame with the MORE flag")
	}
	var size uint64
	if flags&flagLong != 0 {
		var b [8]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return frame{}, unexpected(err)
		}
		size = binary.BigEndian.Uint64(b[:])
	} else {
		b, err := r.ReadByte()
		if err != nil {
			return frame{}, unexpected(err)
		}
		size = uint64(b)
	}
	if size > uint64(max) {
		return frame{}, fmt.Errorf("frame of %d bytes: %w (%d)", size, errLimit, max)
	}
	body, err := readBody(r, int64(size))
	if err != nil {
		return frame{}, unexpected(err)
	}
	return frame{flags: flags, body: body}, nil
}

// readBody reads n bytes, growing the buffer as data arrives.
func readBody(r io.Reader, n int64) ([]byte, error) {
	const direct = 64 << 10
	if n <= direct {
		b := make([]byte, n)
		_, err := io.ReadFull(r, b)
		return b, err
	}
	var buf bytes.Buffer
	buf.Grow(direct)
	m, err := io.CopyN(&buf, r, n)
	if err != nil {
		return nil, err
	}
	if m != n {
		return nil, io.ErrUnexpectedEOF
	}
	return buf.Bytes(), nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// command splits a command frame's body into its name and data.
func command(body []byte) (name string, data []byte, err error) {
	if len(body) == 0 {
		return "", nil, errors.New("empty command")
	}
	n := int(body[0])
	if n == 0 || n > len(body)-1 {
		return "", nil, fmt.Errorf("command name of %d bytes in a body of %d", n, len(body))
	}
	return string(body[1 : 1+n]), body[1+n:], nil
}

// properties parses READY metadata: name-length (1 byte, ≥ 1), name,
// value-length (4 bytes), value, repeated.
func properties(data []byte) (map[string]string, error) {
	props := map[string]string{}
	for len(data) > 0 {
		n := int(data[0])
		data = data[1:]
		if n == 0 || n > len(data) {
			return nil, fmt.Errorf("property name of %d bytes, %d left", n, len(data))
		}
		name := string(data[:n])
		data = data[n:]
		if len(data) < 4 {
			return nil, fmt.Errorf("property %q: value length cut short", name)
		}
		v := binary.BigEndian.Uint32(data)
		data = data[4:]
		if uint64(v) > uint64(len(data)) {
			return nil, fmt.Errorf("property %q: value of %d bytes, %d left", name, v, len(data))
		}
		props[asciiLower(name)] = string(data[:v])
		data = data[v:]
	}
	return props, nil
}

// readyBody is a READY command with one Socket-Type property.
func readyBody(socketType string) []byte {
	b := []byte{5}
	b = append(b, "READY"...)
	b = append(b, byte(len("Socket-Type")))
	b = append(b, "Socket-Type"...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(socketType)))
	return append(b, socketType...)
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// peers lists the socket types that may connect to each type the guard
// fronts (ZMTP's compatibility table).
var peers = map[string][]string{
	"ROUTER": {"DEALER", "REQ", "ROUTER"},
	"PUB":    {"SUB", "XSUB"},
	"REP":    {"REQ", "DEALER"},
	"DEALER": {"DEALER", "REP", "ROUTER"},
}

// compatible reports whether a peer of type peer may talk to ours.
func compatible(ours, peer string) bool {
	for _, p := range peers[ours] {
		if p == peer {
			return true
		}
	}
	return false
}
