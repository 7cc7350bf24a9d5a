// Package cellrt is the run-time support of compiled notebook cells (see
// package native): the code of a `%%native` cell is compiled with its go
// statements, os.Exit, log.Fatal* and (*log.Logger).Fatal* calls routed
// here, so that the program hosting the cells (the kernel's session)
// decides what they do, instead of a panicking goroutine or an exit ending
// the process.
//
// The host installs its Hooks with SetHooks. Without hooks, everything
// behaves as in a Go program: Exit exits the process and a goroutine's
// panic is re-raised. The package is shared by the host and every plugin
// (it must be, to have one set of hooks), so it has no dependency beyond
// the standard library. It knows nothing of Jupyter or the interpreter.
package cellrt

import (
	"fmt"
	"log"
	"os"
	"runtime/debug"
	"sync/atomic"
)

// Hooks is what the host does for compiled cell code.
type Hooks interface {
	// GoStart is called by a go statement, on the goroutine that runs
	// it, before the new goroutine starts; the Goroutine it returns is
	// told about the new goroutine's life.
	GoStart() Goroutine
	// Exit is called by os.Exit(code) and, after the message is logged,
	// by log.Fatal* (msg says which). It must not return: it stops the
	// calling goroutine without running its deferred calls, or panics.
	Exit(code int, msg string)
}

// A Goroutine receives the events of one goroutine started by a go
// statement of a cell.
type Goroutine interface {
	// Enter is called first on the new goroutine.
	Enter()
	// Done is called last on it: r is the value of its panic (nil if
	// none), returned says whether its function returned (false with a
	// nil r: runtime.Goexit), stack is its stack at the panic.
	Done(r any, returned bool, stack []byte)
}

type hooksBox struct{ h Hooks }

var hooks atomic.Pointer[hooksBox]

// SetHooks installs h (nil: the behaviour of a Go program). It is meant to
// be called once by the host, before cell code runs.
func SetHooks(h Hooks) {
	if h == nil {
		hooks.Store(nil)
		return
	}
	hooks.Store(&hooksBox{h})
}

// A G is one goroutine started by a cell's go statement. The rewritten
// statement `go f(x)` reads
//
//	{ g := cellrt.Start(); x1 := x; go func() { defer g.Done(); g.Enter(); f(x1); g.Returned() }() }
type G struct {
	g        Goroutine // nil without hooks
	returned bool
}

// Start is called at a go statement, before the goroutine starts.
func Start() *G {
	if b := hooks.Load(); b != nil {
		return &G{g: b.h.GoStart()}
	}
	return &G{}
}

// Enter is called first in the new goroutine.
func (g *G) Enter() {
	if g.g != nil {
		g.g.Enter()
	}
}

// Returned is called when the goroutine's function returned.
func (g *G) Returned() { g.returned = true }

// Done is deferred by the new goroutine: it recovers a panic and reports
// it to the hooks (without hooks, it panics again, which ends the process
// as in a Go program).
func (g *G) Done() {
	r := recover()
	var stack []byte
	if r != nil {
		stack = debug.Stack()
	}
	if g.g == nil {
		if r != nil {
			panic(r)
		}
		return
	}
	g.g.Done(r, g.returned, stack)
}

// Exit replaces os.Exit.
func Exit(code int) {
	if b := hooks.Load(); b != nil {
		b.h.Exit(code, fmt.Sprintf("os.Exit(%d) called", code))
	}
	os.Exit(code)
}

// fatal logs msg with logger l, as log.Fatal does, and exits with status 1.
func fatal(l *log.Logger, msg string) {
	_ = l.Output(3, msg)
	if b := hooks.Load(); b != nil {
		if len(msg) > 0 && msg[len(msg)-1] == '\n' {
			msg = msg[:len(msg)-1]
		}
		b.h.Exit(1, "log.Fatal called: "+msg)
	}
	os.Exit(1)
}

// Fatal replaces log.Fatal.
func Fatal(v ...any) { fatal(log.Default(), fmt.Sprint(v...)) }

// Fatalf replaces log.Fatalf.
func Fatalf(format string, v ...any) { fatal(log.Default(), fmt.Sprintf(format, v...)) }

// Fatalln replaces log.Fatalln.
func Fatalln(v ...any) { fatal(log.Default(), fmt.Sprintln(v...)) }

// A FatalLogger has the Fatal methods of a *log.Logger, with the exit
// routed to the hooks.
type FatalLogger struct{ l *log.Logger }

// Logger wraps l: the rewritten `l.Fatal(x)` reads cellrt.Logger(l).Fatal(x).
func Logger(l *log.Logger) FatalLogger { return FatalLogger{l} }

// Fatal replaces (*log.Logger).Fatal.
func (f FatalLogger) Fatal(v ...any) { fatal(f.l, fmt.Sprint(v...)) }

// Fatalf replaces (*log.Logger).Fatalf.
func (f FatalLogger) Fatalf(format string, v ...any) { fatal(f.l, fmt.Sprintf(format, v...)) }

// Fatalln replaces (*log.Logger).Fatalln.
func (f FatalLogger) Fatalln(v ...any) { fatal(f.l, fmt.Sprintln(v...)) }

// ClearHooks removes h if it is the installed hooks.
func ClearHooks(h Hooks) {
	if b := hooks.Load(); b != nil && b.h == h {
		hooks.CompareAndSwap(b, nil)
	}
}
