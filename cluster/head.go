package cluster

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// A Head is an embedded NATS server with JetStream, storing the task
// stream and the buckets in files so that a restarted head loses no queued
// task. Any NATS server (or cluster) with JetStream serves as well.
type Head struct {
	srv *server.Server
}

// HeadOptions configures StartHead.
type HeadOptions struct {
	// Listen is the host:port clients connect to; port 0 picks a free one.
	// Default "127.0.0.1:4222".
	Listen string
	// StoreDir is where JetStream keeps its files (required).
	StoreDir string
	// Logf, if not nil, receives the server's notices and errors.
	Logf func(format string, args ...any)

	// To make a NATS cluster of heads (three, so that JetStream keeps
	// every task and value on three of them and survives the loss of
	// one), give each a Name, a ClusterListen address and the Routes to
	// the others' ClusterListen addresses ("nats-route://host:port").
	Name          string // unique in the NATS cluster; default "warren-head"
	ClusterListen string // host:port for the other heads; "" for a lone head
	Routes        []string
}

// StartHead starts a head and returns once it accepts connections.
func StartHead(opt HeadOptions) (*Head, error) {
	if opt.StoreDir == "" {
		return nil, errors.New("cluster: StartHead needs a StoreDir")
	}
	if opt.Listen == "" {
		opt.Listen = "127.0.0.1:4222"
	}
	host, port, err := net.SplitHostPort(opt.Listen)
	if err != nil {
		return nil, fmt.Errorf("cluster: listen address %q: %w", opt.Listen, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		return nil, fmt.Errorf("cluster: listen address %q: bad port", opt.Listen)
	}
	if p == 0 {
		p = server.RANDOM_PORT
	}
	if opt.Name == "" {
		opt.Name = "warren-head"
	}
	so := &server.Options{
		ServerName: opt.Name, Host: host, Port: p, JetStream: true, StoreDir: opt.StoreDir,
		NoSigs: true, MaxPayload: 8 << 20,
	}
	if opt.ClusterListen != "" {
		chost, cport, err := net.SplitHostPort(opt.ClusterListen)
		if err != nil {
			return nil, fmt.Errorf("cluster: cluster listen address %q: %w", opt.ClusterListen, err)
		}
		so.Cluster.Name, so.Cluster.Host = "warren", chost
		if so.Cluster.Port, err = strconv.Atoi(cport); err != nil {
			return nil, fmt.Errorf("cluster: cluster listen address %q: bad port", opt.ClusterListen)
		}
		so.Routes = server.RoutesFromStr(strings.Join(opt.Routes, ","))
	}
	srv, err := server.NewServer(so)
	if err != nil {
		return nil, fmt.Errorf("cluster: head: %w", err)
	}
	if opt.Logf != nil {
		srv.SetLoggerV2(logger{opt.Logf}, false, false, false)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("cluster: head did not become ready in 30 s")
	}
	return &Head{srv: srv}, nil
}

// URL returns the nats:// URL clients and workers connect to.
func (h *Head) URL() string { return h.srv.ClientURL() }

// Shutdown stops the head and waits until it has.
func (h *Head) Shutdown() {
	h.srv.Shutdown()
	h.srv.WaitForShutdown()
}

// logger passes the server's notices, warnings and errors to a Logf.
type logger struct{ f func(string, ...any) }

func (l logger) Noticef(format string, v ...any) { l.f("[head] "+format, v...) }
func (l logger) Warnf(format string, v ...any)   { l.f("[head] warning: "+format, v...) }
func (l logger) Fatalf(format string, v ...any)  { l.f("[head] fatal: "+format, v...) }
func (l logger) Errorf(format string, v ...any)  { l.f("[head] error: "+format, v...) }
func (l logger) Debugf(format string, v ...any)  {}
func (l logger) Tracef(format string, v ...any)  {}
