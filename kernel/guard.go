package kernel

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/warren-go/warren/kernel/zmtpguard"
)

// guardedSocket is a zmq4 socket listening on a private unix socket, with a
// zmtpguard.Guard on the connection file's public port in front of it
// (zmq4 v0.17.0 cannot face untrusted peers: see RELIABILITY.md).
type guardedSocket struct {
	name  string
	guard *zmtpguard.Guard
}

// privateDir makes the directory of the private unix sockets: mode 0700,
// so that only the kernel's user can reach the sockets behind the guards.
func privateDir() (string, error) {
	dir, err := os.MkdirTemp("", "warren-zmq-")
	if err != nil {
		return "", fmt.Errorf("kernel: private socket directory: %w", err)
	}
	// A unix socket path is at most 107 bytes.
	if len(dir) > 80 {
		os.Remove(dir)
		if dir, err = os.MkdirTemp("/tmp", "warren-zmq-"); err != nil {
			return "", fmt.Errorf("kernel: private socket directory: %w", err)
		}
	}
	return dir, nil
}

// listenGuarded makes sock listen on dir/name and serves the public port
// through a guard announcing sockType.
func (k *Kernel) listenGuarded(sock zmq4.Socket, name, sockType string, port int, dir string) (*guardedSocket, error) {
	private := filepath.Join(dir, name)
	if err := sock.Listen("ipc://" + private); err != nil {
		return nil, fmt.Errorf("kernel: bind %s (private %s): %w", name, private, err)
	}
	network, addr := k.cfg.Conn.listenAddr(port)
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("kernel: bind %s: %w", name, err)
	}
	logf := func(format string, args ...any) { k.logf(name+": "+format, args...) }
	g := zmtpguard.New(ln, zmtpguard.Config{
		SocketType: sockType,
		Dial: func(ctx context.Context) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", private)
		},
		HandshakeTimeout: 10 * time.Second,
		Logf:             logf,
	})
	go func() {
		if err := g.Serve(); err != nil {
			logf("guard: %v", err)
		}
	}()
	return &guardedSocket{name: name, guard: g}, nil
}

// listenAddr returns the network and address of the public listener for
// port: tcp host:port, or the ipc transport's unix socket path.
func (c *ConnectionInfo) listenAddr(port int) (network, addr string) {
	if c.Transport == "ipc" {
		return "unix", c.IP + "-" + strconv.Itoa(port)
	}
	ip := c.IP
	if ip == "*" {
		ip = "0.0.0.0"
	}
	return "tcp", net.JoinHostPort(ip, strconv.Itoa(port))
}
