package interp

import (
	"net"
	"net/http"
	"reflect"
	"time"

	"github.com/petermattis/goid"
)

// Interpreted callbacks run by compiled goroutines. An http.Handler written
// in a cell is called by net/http on goroutines of its own, where no go
// statement hook runs; the session's versions of http.Serve and
// http.ListenAndServe (and of http.Handle and http.HandleFunc, for the
// default mux) wrap the handler so that each request holds the gate shared
// while it runs (see holders.go), sleeps release it as in a goroutine of a
// go statement, and its output goes to the cell that registered it.
// time.AfterFunc's function is run the same way.
//
// Not covered: a handler set in a struct field (http.Server{Handler: h}
// then server.Serve), and other callbacks compiled code runs on goroutines
// of its own (context.AfterFunc, a library's worker pool): those run
// ungated. The README's Known limits says so.

// gatedHandler runs h holding the gate, as a goroutine of cell c.
type gatedHandler struct {
	s *Session
	c *cell
	h http.Handler
}

// ServeHTTP implements http.Handler.
func (g gatedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	g.s.runGated(g.c, "an http handler", func() { g.h.ServeHTTP(w, r) })
}

// runGated runs f, which runs interpreted code, on the calling goroutine
// (one of compiled code) as a goroutine of cell c: holding the gate. what
// names the callback in errors.
func (s *Session) runGated(c *cell, what string, f func()) {
	t := &goTok{s: s, c: c, id: goid.Get(), callback: what}
	s.mu.Lock()
	s.goCells[t.id] = t.c
	s.goToks[t.id] = t
	s.mu.Unlock()
	s.holdGo(t)
	defer func() {
		s.releaseGo(t)
		s.mu.Lock()
		delete(s.goCells, t.id)
		delete(s.goToks, t.id)
		s.mu.Unlock()
	}()
	f()
}

// afterFunc is time.AfterFunc for cells.
func (s *Session) afterFunc(d time.Duration, f func()) *time.Timer {
	c := s.cellFor()
	return time.AfterFunc(d, func() { s.runGated(c, "a time.AfterFunc function", f) })
}

// gated wraps h, unless it is nil (the default mux, whose handlers were
// wrapped when registered) or already wrapped.
func (s *Session) gated(h http.Handler) http.Handler {
	if h == nil {
		return nil
	}
	if _, ok := h.(gatedHandler); ok {
		return h
	}
	return gatedHandler{s: s, c: s.cellFor(), h: h}
}

// httpSymbols returns the session's versions of net/http's functions that
// take handlers.
func (s *Session) httpSymbols() map[string]reflect.Value {
	return map[string]reflect.Value{
		"Serve": reflect.ValueOf(func(l net.Listener, h http.Handler) error {
			return http.Serve(l, s.gated(h))
		}),
		"ListenAndServe": reflect.ValueOf(func(addr string, h http.Handler) error {
			return http.ListenAndServe(addr, s.gated(h))
		}),
		"Handle": reflect.ValueOf(func(pattern string, h http.Handler) {
			http.Handle(pattern, s.gated(h))
		}),
		"HandleFunc": reflect.ValueOf(func(pattern string, f func(http.ResponseWriter, *http.Request)) {
			http.Handle(pattern, s.gated(http.HandlerFunc(f)))
		}),
	}
}
