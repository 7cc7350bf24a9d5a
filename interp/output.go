package interp

import (
	"bytes"
	"context"
	"io"
	"os"
	"regexp"
	"sync"
	"sync/atomic"

	"github.com/petermattis/goid"
	"github.com/warren-go/warren/parallel"
)

// Output receives a cell's output. It has the method set of kernel.Output, so
// a kernel.Output satisfies it. Implementations must be safe for concurrent
// use and stay valid after Execute returns: output of work a cell started
// arrives later.
type Output interface {
	Stream(name, text string)              // "stdout" or "stderr"
	Display(data, metadata map[string]any) // display_data
}

// cell is one execution of a cell and where its output goes.
type cell struct {
	id    string // cellID given to Execute
	n     int    // session counter, names the cell "cellN" in positions
	out   Output
	lines int // number of lines of the cell's code

	chunkLine, chunkEnd int // lines of the chunk being evaluated (Execute's goroutine only)

	cancel context.CancelFunc // stops the cell (a goroutine of it panicked)
	goErr  *Error             // the first panic of a goroutine of the cell while it ran; under Session.mu
	live   int                // goroutines of the cell's go statements still running; under Session.mu
}

// maxCells bounds how many finished cells keep receiving late output; the
// output of work started by older cells goes to the current cell.
const maxCells = 1000

// cellFor returns the cell whose Output receives output printed by the
// calling goroutine: the group of the ray task it runs, else the cell that
// started the go statement it runs, else the current (or last) cell.
func (s *Session) cellFor() *cell {
	g, inTask := parallel.CurrentGroup()
	var id int64
	if !inTask {
		id = goid.Get()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if inTask {
		if c := s.cells[g]; c != nil {
			return c
		}
	} else if c := s.goCells[id]; c != nil {
		return c
	}
	if s.cur != nil {
		return s.cur
	}
	return s.last
}

// writer is the io.Writer yaegi prints to (fmt.Print*, print, log.*).
type writer struct {
	s    *Session
	name string
}

// panicLine matches what yaegi prints on its stderr for each interpreted
// frame a panic unwinds: "cell3:6:5: panic: main.h(...)".
var panicLine = regexp.MustCompile(`^(?:\S+:)?\d+:\d+: panic: [^\n]*\(\.\.\.\)\n?$`)

func (w writer) Write(p []byte) (int, error) {
	if w.name == "stderr" && panicLine.Match(p) {
		w.s.notePanicLine(string(bytes.TrimRight(p, "\n")))
		return len(p), nil
	}
	// What the cell wrote to os.Stdout (os.Stderr) before this comes
	// first: deliver it if the pipe may hold some.
	if pp := w.s.pipeNamed(w.name); pp != nil && pp.holding() {
		pp.flush()
	}
	c := w.s.cellFor()
	if c != nil && c.out != nil {
		c.out.Stream(w.name, string(p))
	}
	return len(p), nil
}

// pipeNamed returns the session's pipe for stdout or stderr, nil before
// the pipes exist.
func (s *Session) pipeNamed(name string) *pipe {
	if name == "stdout" {
		return s.stdout
	}
	return s.stderr
}

// notePanicLine keeps a yaegi panic position for the goroutine that is
// unwinding, when it is a cell's or a go statement's goroutine; the error
// report uses them as the traceback instead of printing them.
func (s *Session) notePanicLine(line string) {
	_, inTask := parallel.CurrentGroup()
	id := goid.Get()
	s.mu.Lock()
	defer s.mu.Unlock()
	if inTask || id == s.evalG || s.goCells[id] != nil {
		if inTask {
			s.taskPanics.Store(true)
		}
		if l := s.panicLines[id]; len(l) < 200 {
			s.panicLines[id] = append(l, line)
		}
	}
}

func (s *Session) takePanicLines(id int64) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.panicLines[id]
	delete(s.panicLines, id)
	return l
}

// pipe carries what cells write to os.Stdout or os.Stderr through the
// *os.File that cells see, to the current cell's Output. (The writes reach
// a file descriptor, so the writer goroutine is unknown: pipe output goes to
// the current cell, or the last one between cells.)
type pipe struct {
	s    *Session
	name string
	r, w *os.File

	// busy is set while the reader holds bytes it has read but not yet
	// delivered; with the bytes still in the pipe (see buffered), it tells
	// writers whether output written to the file may be pending.
	busy atomic.Bool

	mu      sync.Mutex
	cond    *sync.Cond
	flushed int // last flush marker seen by the reader
	sent    int // last flush marker written
	closed  bool
	done    chan struct{}
}

const flushMarker = "\x00\x01warren-flush\x01"

func newPipe(s *Session, name string) (*pipe, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	p := &pipe{s: s, name: name, r: r, w: w, done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	go p.read()
	return p, nil
}

func (p *pipe) deliver(text []byte) {
	if len(text) == 0 {
		return
	}
	p.s.mu.Lock()
	c := p.s.cur
	if c == nil {
		c = p.s.last
	}
	p.s.mu.Unlock()
	if c != nil && c.out != nil {
		c.out.Stream(p.name, string(text))
	}
}

func (p *pipe) read() {
	defer close(p.done)
	buf := make([]byte, 32<<10)
	var pending []byte
	marker := []byte(flushMarker)
	rc, rcErr := p.r.SyscallConn()
	for {
		var n int
		var err error
		if rcErr != nil || !rawReads {
			p.busy.Store(true)
			n, err = p.r.Read(buf)
		} else {
			var rerr error
			cerr := rc.Read(func(fd uintptr) bool {
				p.busy.Store(true) // before the bytes leave the pipe
				n, rerr = readFD(fd, buf)
				if wouldBlock(rerr) {
					if len(pending) == 0 {
						p.busy.Store(false)
					}
					return false
				}
				return true
			})
			if err = rerr; err == nil {
				err = cerr
			}
			if err == nil && n <= 0 {
				err = io.EOF
			}
		}
		pending = append(pending, buf[:max(n, 0)]...)
		for {
			i := bytes.Index(pending, marker)
			if i < 0 {
				break
			}
			p.deliver(pending[:i])
			pending = pending[i+len(marker):]
			p.mu.Lock()
			p.flushed++
			p.cond.Broadcast()
			p.mu.Unlock()
		}
		// Keep a possible marker prefix at the end for the next read.
		keep := 0
		for k := min(len(marker)-1, len(pending)); k > 0; k-- {
			if bytes.HasSuffix(pending, marker[:k]) {
				keep = k
				break
			}
		}
		p.deliver(pending[:len(pending)-keep])
		pending = append(pending[:0], pending[len(pending)-keep:]...)
		if len(pending) == 0 {
			p.busy.Store(false)
		}
		if err != nil {
			p.deliver(pending)
			p.mu.Lock()
			p.closed = true
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
	}
}

// flush returns once everything written to the pipe before the call has
// been delivered.
func (p *pipe) flush() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.sent++
	want := p.sent
	p.mu.Unlock()
	if _, err := io.WriteString(p.w, flushMarker); err != nil {
		return
	}
	p.mu.Lock()
	for p.flushed < want && !p.closed {
		p.cond.Wait()
	}
	p.mu.Unlock()
}

// holding reports whether bytes written to the pipe may not have been
// delivered yet.
func (p *pipe) holding() bool {
	return p.busy.Load() || buffered(p.r)
}

func (p *pipe) close() {
	p.w.Close()
	<-p.done
	p.r.Close()
}
