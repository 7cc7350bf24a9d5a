package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/warren-go/warren/interp"
	"github.com/warren-go/warren/kernel"
)

// session is what the kernel needs of a Go session: an *interp.Session or a
// *remoteSession (the same session in a supervised child process).
type session interface {
	Execute(ctx context.Context, cellID, code string, out interp.Output) (map[string]any, error)
	Complete(code string, cursor int) ([]string, int, int)
	Inspect(code string, cursor, detailLevel int) (map[string]any, bool)
	DebugRequest(request []byte) []byte
	SetDebugEvents(publish func(event []byte))
}

// interpHandler adapts a session to kernel.Handler.
type interpHandler struct {
	s session
}

// newHandler starts the session process the kernel serves (see
// session_remote.go); its stdout and stderr go to stderr.
func newHandler(stderr io.Writer) (kernel.Handler, func(), error) {
	if !supervised {
		s, err := interp.New(interp.Options{})
		if err != nil {
			return nil, nil, fmt.Errorf("start interpreter: %w", err)
		}
		return &interpHandler{s: s}, func() { _ = s.Close() }, nil
	}
	argv, err := selfArgv()
	if err != nil {
		return nil, nil, err
	}
	s, err := newRemoteSession(argv, nil, stderr, false)
	if err != nil {
		return nil, nil, fmt.Errorf("start interpreter: %w", err)
	}
	return &interpHandler{s: s}, func() { _ = s.Close() }, nil
}

// Execute implements kernel.Handler.
func (h *interpHandler) Execute(ctx context.Context, req kernel.ExecuteRequest, out kernel.Output) (*kernel.Result, error) {
	data, err := h.s.Execute(ctx, req.CellID, req.Code, out)
	if err != nil {
		var ie *interp.Error
		if errors.As(err, &ie) {
			return nil, &kernel.Error{Name: ie.Name, Value: ie.Value, Traceback: ie.Traceback}
		}
		return nil, err
	}
	if len(data) == 0 {
		return nil, nil
	}
	return &kernel.Result{Data: data}, nil
}

// Complete implements kernel.Handler.
func (h *interpHandler) Complete(code string, cursor int) kernel.Completion {
	m, start, end := h.s.Complete(code, cursor)
	return kernel.Completion{Matches: m, Start: start, End: end}
}

// Inspect implements kernel.Handler.
func (h *interpHandler) Inspect(code string, cursor, detailLevel int) (map[string]any, bool) {
	return h.s.Inspect(code, cursor, detailLevel)
}

// DebugRequest implements kernel.Debugger.
func (h *interpHandler) DebugRequest(request []byte) []byte { return h.s.DebugRequest(request) }

// SetDebugEvents implements kernel.Debugger.
func (h *interpHandler) SetDebugEvents(publish func(event []byte)) { h.s.SetDebugEvents(publish) }

// IsComplete implements kernel.Handler.
func (h *interpHandler) IsComplete(code string) (status, indent string) {
	return interp.IsComplete(code)
}
