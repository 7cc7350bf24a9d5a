package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
)

// ConnectionInfo is the content of a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	ControlPort     int    `json:"control_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates the connection file at path.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("connection file: %w", err)
	}
	info, err := ParseConnectionInfo(data)
	if err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	return info, nil
}

// ParseConnectionInfo parses and validates a connection file's content.
// Transport defaults to tcp and signature_scheme to hmac-sha256.
func ParseConnectionInfo(data []byte) (*ConnectionInfo, error) {
	var info ConnectionInfo
	if err := json.Unmarshal(data, &info); err != nil {
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if info.Transport == "" {
		info.Transport = "tcp"
	}
	if info.SignatureScheme == "" {
		info.SignatureScheme = "hmac-sha256"
	}
	if _, err := NewSigner(info.SignatureScheme, nil); err != nil {
		return nil, err
	}
	switch info.Transport {
	case "tcp":
		if info.IP == "" {
			return nil, errors.New(`missing "ip"`)
		}
		if net.ParseIP(info.IP) == nil && info.IP != "localhost" && info.IP != "*" {
			return nil, fmt.Errorf("invalid ip %q", info.IP)
		}
		for _, p := range []struct {
			name string
			port int
		}{
			{"shell_port", info.ShellPort}, {"iopub_port", info.IOPubPort},
			{"stdin_port", info.StdinPort}, {"control_port", info.ControlPort},
			{"hb_port", info.HBPort},
		} {
			if p.port <= 0 || p.port > 65535 {
				return nil, fmt.Errorf("%s %d out of range 1..65535", p.name, p.port)
			}
		}
	case "ipc":
		if info.IP == "" {
			return nil, errors.New(`missing "ip" (the ipc path prefix)`)
		}
	default:
		return nil, fmt.Errorf("unsupported transport %q (want tcp or ipc)", info.Transport)
	}
	return &info, nil
}

// Endpoint returns the ZeroMQ endpoint for port, e.g. "tcp://127.0.0.1:5555".
func (c *ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(port)
	}
	ip := c.IP
	if ip == "*" {
		ip = "0.0.0.0"
	}
	return "tcp://" + net.JoinHostPort(ip, strconv.Itoa(port))
}
