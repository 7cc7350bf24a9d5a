package interp

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/petermattis/goid"
	"github.com/warren-go/warren/native"
	"github.com/warren-go/warren/native/cellrt"
)

// Compiled code of native cells calls package cellrt for its go
// statements, os.Exit and log.Fatal (the native workspace's toolexec
// program rewrites them); nativeHooks is what the session does then,
// mirroring interpreted cells (goroutine.go):
//
//   - A goroutine started by native code that panics fails the cell that
//     started it while that cell runs, and stops it; after that cell
//     ended, the panic is reported on its stderr. The kernel lives on.
//   - os.Exit and log.Fatal on the goroutine of a native cell's
//     statements, or on a goroutine native code started, fail that cell
//     with an Exit error (or are reported on its stderr after it ended)
//     and stop the goroutine without running its deferred calls, as an
//     exit does. The goroutine is parked for good: Go cannot end a
//     goroutine otherwise. Anywhere else (native code called from an
//     interpreted cell or a ray task) they unwind like an interpreted
//     os.Exit.

// nativeHooks is the session's cellrt.Hooks.
type nativeHooks struct{ s *Session }

// nativeGo is a goroutine of native code (or the goroutine running a
// native cell's statements), counted in its cell's live goroutines.
type nativeGo struct {
	s  *Session
	c  *cell
	id int64
}

// GoStart implements cellrt.Hooks.
func (h nativeHooks) GoStart() cellrt.Goroutine { return h.s.nativeGoStart(h.s.cellFor()) }

func (s *Session) nativeGoStart(c *cell) *nativeGo {
	if c != nil {
		s.mu.Lock()
		c.live++
		s.mu.Unlock()
	}
	return &nativeGo{s: s, c: c}
}

// Enter implements cellrt.Goroutine: output of the goroutine goes to its
// cell, and an exit on it is the cell's.
func (t *nativeGo) Enter() {
	t.id = goid.Get()
	if t.c == nil {
		return
	}
	t.s.mu.Lock()
	t.s.goCells[t.id] = t.c
	t.s.mu.Unlock()
}

// Done implements cellrt.Goroutine.
func (t *nativeGo) Done(r any, returned bool, stack []byte) {
	s := t.s
	s.mu.Lock()
	delete(s.goCells, t.id)
	if t.c != nil && r == nil {
		t.c.live--
	}
	s.mu.Unlock()
	if r == nil || t.c == nil {
		return
	}
	e := s.nativePanic(r, stack, t.c, s.cellSource(t.c))
	e.Traceback = append([]string{e.Traceback[0], "  in a goroutine started by native code"}, e.Traceback[1:]...)
	s.goroutineFailed(t.c, e, "goroutine started by the cell failed")
}

// Exit implements cellrt.Hooks.
func (h nativeHooks) Exit(code int, msg string) {
	s := h.s
	id := goid.Get()
	s.mu.Lock()
	c, owned := s.goCells[id]
	if owned {
		delete(s.goCells, id)
	}
	s.mu.Unlock()
	if !owned {
		panic(exitPanic{msg})
	}
	e := &Error{Name: "Exit", Value: msg, Traceback: []string{"Exit: " + msg}}
	e.Traceback = append(e.Traceback, s.nativeFrames(debug.Stack(), c, s.cellSource(c))...)
	s.goroutineFailed(c, e, fmt.Sprintf("native code of cell [%d] exited after the cell ended (the goroutine was stopped)", c.n))
	select {} // no deferred call runs, as after an exit
}

// cellSource returns the source of native cell c, or "".
func (s *Session) cellSource(c *cell) string {
	s.native.mu.RLock()
	defer s.native.mu.RUnlock()
	for _, sc := range s.native.srcs {
		if sc.n == c.n {
			return sc.code
		}
	}
	return ""
}

// installHooks makes compiled cell code call this session (one session
// per process has them: the last to run native code).
func (s *Session) installHooks() { cellrt.SetHooks(nativeHooks{s}) }

// stackFile matches the file line of a frame in a native cell in a Go
// stack ("\tcell:12 +0x1d").
var stackFile = regexp.MustCompile(`^\t` + native.CellFile + `:(\d+)`)

// nativeFrames returns the frames of a Go stack that are in native cells,
// with their source lines ("  at Fib (line 3 of native cell [2])").
// Frames of cell c itself say only the line; code is its source, for
// frames of packages the session does not know yet (a cell loading).
func (s *Session) nativeFrames(stack []byte, c *cell, code string) []string {
	var out []string
	lines := strings.Split(string(stack), "\n")
	for i := 1; i < len(lines); i++ {
		m := stackFile.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		fn := lines[i-1]
		if j := strings.LastIndexByte(fn, '('); j > 0 {
			fn = fn[:j]
		}
		fn = fn[strings.LastIndexByte(fn, '/')+1:]
		pkg := ""
		if j := strings.IndexByte(fn, '.'); j >= 0 {
			pkg, fn = fn[:j], fn[j+1:]
		}
		if strings.HasPrefix(fn, native.RunFunc) {
			fn = "cell"
		}
		l, _ := strconv.Atoi(m[1])
		src, where := code, ""
		s.native.mu.RLock()
		if sc, ok := s.native.srcs[pkg]; ok && (c == nil || sc.n != c.n) {
			src, where = sc.code, fmt.Sprintf(" of native cell [%d]", sc.n)
		}
		s.native.mu.RUnlock()
		out = append(out, fmt.Sprintf("  at %s (line %d%s)", fn, l, where))
		if sl := sourceLine(src, l); sl != "" {
			out = append(out, "  "+sl)
		}
	}
	return out
}
