package main

// The parent side of the session process (see session_child.go): a
// remoteSession has the methods of interp.Session the kernel and `warren run`
// use, runs the interpreter in a child process, and when that process dies —
// a Go fatal error, or a kill — reports the death as the running cell's
// FatalError and starts a fresh session for the next cell.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/warren-go/warren/interp"
)

// maxRemoteCells bounds how many cells keep receiving late output (as
// interp does for its cells).
const maxRemoteCells = 1000

// remoteSession runs an interp.Session in a child process, restarted after
// it dies. Safe for concurrent use.
type remoteSession struct {
	argv   []string  // the child's command line: a warren binary and "_session"
	env    []string  // its environment (nil: this process's)
	stderr io.Writer // the child's stdout and stderr go here
	// hideDump keeps a fatal error's goroutine dump (megabytes with many
	// goroutines) from stderr once its first lines went out.
	hideDump bool

	mu       sync.Mutex
	cur      *childProc // the live child, or nil
	outs     map[string]interp.Output
	order    []string // cell ids of outs, oldest first
	last     string   // the last cell executed
	lastCode string   // its code
	closed   bool
	events   func(event []byte) // publishes debug events (SetDebugEvents)
	// debugReplay holds the debug requests that set up the debugger
	// (initialize, attach, setBreakpoints by source path), sent again to a
	// fresh session process so that a restart keeps the debugger attached.
	debugReplay map[string][]byte
}

// newRemoteSession starts a session process running argv (e.g. the running
// warren binary with "_session") and waits until it is ready. The process's
// stdout and stderr go to stderr, without a fatal error's goroutine dump if
// hideDump is set.
func newRemoteSession(argv, env []string, stderr io.Writer, hideDump bool) (*remoteSession, error) {
	rs := &remoteSession{argv: argv, env: env, stderr: stderr, hideDump: hideDump, outs: map[string]interp.Output{}}
	c, err := rs.child()
	if err != nil {
		return nil, err
	}
	select {
	case <-c.ready:
	case <-c.dead:
		return nil, fmt.Errorf("session process: %s", c.death)
	}
	return rs, nil
}

// selfArgv is the command line of a session process of this binary.
func selfArgv() ([]string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the warren binary: %w", err)
	}
	return []string{exe, "_session"}, nil
}

// childProc is one session process.
type childProc struct {
	rs        *remoteSession
	cmd       *exec.Cmd
	calls     *os.File    // write end of the calls pipe
	crash     *os.File    // the crash report file (read after death)
	positions *os.File    // where interp.TracePositions writes
	stderr    *markWriter // watches what it writes to stderr

	wmu sync.Mutex
	enc *json.Encoder

	mu          sync.Mutex
	nextID      uint64
	pending     map[uint64]chan frame
	running     string // the cell whose Execute is in flight, if any
	runningID   uint64 // the ID of its execute call
	runningCode string // its code

	ready chan struct{} // closed on the child's "ready" frame
	// replayed is closed once the debugger's set-up requests were sent
	// again to this process (see replayDebug); cells wait for it.
	replayed chan struct{}
	dead     chan struct{} // closed once the process has exited and death is set
	death    string        // why the process ended, e.g. "exit status 2"
	fatal    *interp.Error // the report of its death, for the user
	gone     bool          // the parent ended it (Close)
}

// child returns the live session process, starting one if there is none.
func (rs *remoteSession) child() (*childProc, error) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.closed {
		return nil, errors.New("session closed")
	}
	if rs.cur != nil {
		return rs.cur, nil
	}
	c, err := rs.start()
	if err != nil {
		return nil, err
	}
	rs.cur = c
	return c, nil
}

// start launches a session process (rs.mu held).
func (rs *remoteSession) start() (*childProc, error) {
	callR, callW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("session process: %w", err)
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		callR.Close()
		callW.Close()
		return nil, fmt.Errorf("session process: %w", err)
	}
	// Two unlinked files, kept open by both processes: the crash report
	// and the positions of interpreted code, read after a death.
	files := make([]*os.File, 2)
	for i := range files {
		if files[i], err = os.CreateTemp("", "warren-session-*"); err == nil {
			os.Remove(files[i].Name())
			continue
		}
		for _, f := range append(files[:i], callR, callW, evR, evW) {
			f.Close()
		}
		return nil, fmt.Errorf("session process: %w", err)
	}
	crash, positions := files[0], files[1]
	cmd := exec.Command(rs.argv[0], rs.argv[1:]...)
	env := rs.env
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env[:len(env):len(env)], sessionFDsEnv+"="+sessionFDs)
	// The runtime writes a fatal error's first line ("fatal error: …")
	// only to stderr, the rest also to the crash file: watch stderr for it.
	marks := &markWriter{w: rs.stderr, hideDump: rs.hideDump}
	cmd.Stdout, cmd.Stderr = rs.stderr, marks
	cmd.WaitDelay = 2 * time.Second                           // a grandchild holding stderr open
	cmd.ExtraFiles = []*os.File{callR, evW, crash, positions} // fds 3 to 6
	err = cmd.Start()
	callR.Close()
	evW.Close()
	if err != nil {
		callW.Close()
		evR.Close()
		crash.Close()
		positions.Close()
		return nil, fmt.Errorf("session process: %w", err)
	}
	c := &childProc{
		rs: rs, cmd: cmd, calls: callW, crash: crash, positions: positions, stderr: marks, enc: json.NewEncoder(callW),
		pending: map[uint64]chan frame{}, ready: make(chan struct{}), dead: make(chan struct{}), replayed: make(chan struct{}),
	}
	go c.read(evR)
	return c, nil
}

// send writes f to the child; a dead child's pipe fails, which callers see
// as the dead channel closing.
func (c *childProc) send(f frame) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.enc.Encode(f)
}

// call sends f with a fresh ID and returns the channel its result arrives
// on. An execute call is the running cell until its result arrives.
func (c *childProc) call(f frame) chan frame {
	ch := make(chan frame, 1)
	c.mu.Lock()
	c.nextID++
	f.ID = c.nextID
	c.pending[f.ID] = ch
	if f.Op == "execute" {
		c.running, c.runningID, c.runningCode = f.Cell, f.ID, f.Code
	}
	c.mu.Unlock()
	c.send(f)
	return ch
}

// read delivers the child's frames until its pipe closes, then records how
// the process ended.
func (c *childProc) read(r *os.File) {
	dec := json.NewDecoder(r)
	readyOnce := sync.OnceFunc(func() { close(c.ready) })
	for {
		var f frame
		if err := dec.Decode(&f); err != nil {
			break
		}
		switch f.Op {
		case "ready":
			readyOnce()
			go c.replayDebug()
		case "result":
			c.mu.Lock()
			ch := c.pending[f.ID]
			delete(c.pending, f.ID)
			if f.ID == c.runningID {
				c.running, c.runningID, c.runningCode = "", 0, "" // the cell is over: a death now is not its
			}
			c.mu.Unlock()
			if ch != nil {
				ch <- f
			}
		case "stream":
			if out := c.rs.output(f.Cell); out != nil {
				out.Stream(f.Name, f.Text)
			}
		case "display":
			out := c.rs.output(f.Cell)
			if u, ok := out.(interp.DisplayUpdater); ok && f.Display != "" {
				u.DisplayID(f.Display, f.Data, f.Metadata)
			} else if out != nil {
				out.Display(f.Data, f.Metadata)
			}
		case "update":
			if u, ok := c.rs.output(f.Cell).(interp.DisplayUpdater); ok {
				u.UpdateDisplay(f.Display, f.Data, f.Metadata)
			}
		case "clear":
			if cl, ok := c.rs.output(f.Cell).(interp.Clearer); ok {
				cl.ClearOutput(f.Wait)
			}
		case "input":
			go c.input(f)
		case "debug_event":
			c.rs.mu.Lock()
			publish := c.rs.events
			c.rs.mu.Unlock()
			if publish != nil {
				publish(f.DAP)
			}
		}
	}
	r.Close()
	err := c.cmd.Wait()
	c.calls.Close()
	report, _ := io.ReadAll(io.NewSectionReader(c.crash, 0, 1<<20))
	c.crash.Close()
	rs := c.rs
	rs.mu.Lock()
	lastCell, lastCode := rs.last, rs.lastCode
	rs.mu.Unlock()
	c.mu.Lock()
	c.death = "exited"
	if err != nil {
		c.death = err.Error()
	}
	gone, running, code := c.gone, c.running, c.runningCode
	if !gone {
		cell := running
		if cell == "" {
			cell, code = lastCell, lastCode // work of a finished cell died
		}
		frames := interp.CrashFrames(string(report), io.NewSectionReader(c.positions, 0, 1<<40), cell)
		c.fatal = fatalReport(c.stderr.String()+"\n"+string(report), c.death, frames, code)
	}
	c.mu.Unlock()
	c.positions.Close()
	rs.mu.Lock()
	if rs.cur == c {
		rs.cur = nil // before dead closes: a caller woken by it must not get c again
	}
	rs.mu.Unlock()
	close(c.dead)
	if gone {
		return
	}
	rs.mu.Lock()
	last := rs.outs[rs.last]
	closed := rs.closed
	rs.mu.Unlock()
	if running == "" && last != nil {
		// No cell was running: work a finished cell started (a goroutine,
		// a task) killed the session. Tell the user under the last cell.
		last.Stream("stderr", c.fatal.Name+": "+c.fatal.Value+"\n"+joinLines(c.fatal.Traceback[1:]))
	}
	wasReady := false
	select {
	case <-c.ready:
		wasReady = true
	default:
	}
	if !closed && wasReady {
		// Start the next session now, so the next cell does not wait for it.
		// (A process that died before it was ready is not restarted in a
		// loop: the next call tries again and reports what happened.)
		if _, err := rs.child(); err != nil {
			fmt.Fprintf(rs.stderr, "warren: restart session process: %v\n", err)
		}
	}
}

// input answers the child's request for a line with the cell's Output.
func (c *childProc) input(f frame) {
	r := frame{Op: "input", ID: f.ID}
	ask, ok := c.rs.output(f.Cell).(interp.Inputter)
	if !ok {
		r.EOF = true
	} else if v, err := ask.Input(f.Prompt, f.Password); errors.Is(err, io.EOF) {
		r.EOF = true // the end of warren run's standard input
	} else if err != nil {
		r.Err = err.Error()
	} else {
		r.Value = v
	}
	c.send(r)
}

// output returns the Output of cell, or of the last cell when cell is
// unknown (or too old).
func (rs *remoteSession) output(cell string) interp.Output {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if out := rs.outs[cell]; out != nil {
		return out
	}
	return rs.outs[rs.last]
}

func (rs *remoteSession) register(cell, code string, out interp.Output) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if _, ok := rs.outs[cell]; !ok {
		rs.order = append(rs.order, cell)
	}
	rs.outs[cell] = out
	rs.last, rs.lastCode = cell, code
	for len(rs.order) > maxRemoteCells {
		delete(rs.outs, rs.order[0])
		rs.order = rs.order[1:]
	}
}

// Execute runs code as cell cellID in the session process, like
// interp.Session.Execute. When the process dies while the cell runs, the
// error is an *interp.Error named "FatalError" describing the death, and
// the next call runs in a fresh session.
func (rs *remoteSession) Execute(ctx context.Context, cellID, code string, out interp.Output) (map[string]any, error) {
	c, err := rs.child()
	if err != nil {
		return nil, err
	}
	for _, ready := range []chan struct{}{c.ready, c.replayed} {
		select {
		case <-ready:
		case <-c.dead:
			return nil, c.fatalError()
		case <-ctx.Done():
			return nil, &interp.Error{Name: "KeyboardInterrupt", Value: "interrupted while the Go session was starting"}
		}
	}
	rs.register(cellID, code, out)
	_, updates := out.(interp.DisplayUpdater)
	ch := c.call(frame{Op: "execute", Cell: cellID, Code: code, Updates: updates})
	done := ctx.Done()
	for {
		select {
		case r := <-ch:
			return r.result()
		case <-done:
			c.send(frame{Op: "interrupt", Cell: cellID})
			done = nil
		case <-c.dead:
			select {
			case r := <-ch: // the cell ended before the process did
				return r.result()
			default:
			}
			return nil, c.fatalError()
		}
	}
}

// result is an execute call's outcome.
func (f frame) result() (map[string]any, error) {
	if f.Error != nil {
		return nil, f.Error
	}
	return f.Data, nil
}

func (c *childProc) fatalError() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fatal == nil {
		return fmt.Errorf("session process: %s", c.death)
	}
	return c.fatal
}

// quickTimeout bounds completion and inspection requests.
const quickTimeout = 10 * time.Second

// quick sends a completion or inspection request to a ready child.
func (rs *remoteSession) quick(f frame) (frame, bool) {
	c, err := rs.child()
	if err != nil {
		return frame{}, false
	}
	t := time.NewTimer(quickTimeout)
	defer t.Stop()
	select {
	case <-c.ready:
	case <-c.dead:
		return frame{}, false
	case <-t.C:
		return frame{}, false
	}
	ch := c.call(f)
	select {
	case r := <-ch:
		return r, true
	case <-c.dead:
	case <-t.C:
	}
	return frame{}, false
}

// Complete is interp.Session.Complete in the session process; nothing
// when the process is not available.
func (rs *remoteSession) Complete(code string, cursor int) ([]string, int, int) {
	r, ok := rs.quick(frame{Op: "complete", Code: code, Cursor: cursor})
	if !ok {
		return nil, cursor, cursor
	}
	return r.Matches, r.Start, r.End
}

// Inspect is interp.Session.Inspect in the session process.
func (rs *remoteSession) Inspect(code string, cursor, detail int) (map[string]any, bool) {
	r, ok := rs.quick(frame{Op: "inspect", Code: code, Cursor: cursor, Detail: detail})
	if !ok {
		return nil, false
	}
	return r.Data, r.Found
}

// Close ends the session process: it closes the session and exits when its
// calls pipe closes; after 3 s it is killed.
func (rs *remoteSession) Close() error {
	rs.mu.Lock()
	rs.closed = true
	c := rs.cur
	rs.cur = nil
	rs.mu.Unlock()
	if c == nil {
		return nil
	}
	c.mu.Lock()
	c.gone = true
	c.mu.Unlock()
	c.calls.Close()
	select {
	case <-c.dead:
	case <-time.After(3 * time.Second):
		_ = c.cmd.Process.Kill()
		<-c.dead
	}
	return nil
}

func joinLines(lines []string) string {
	s := ""
	for _, l := range lines {
		s += l + "\n"
	}
	return s
}

// markWriter copies to w and keeps the last lines that start like a Go
// fatal error's first lines, which the runtime writes only to stderr (the
// goroutine dump that follows, possibly megabytes, is in the crash file).
type markWriter struct {
	w        io.Writer
	hideDump bool // pass nothing on after the first mark

	mu      sync.Mutex
	partial []byte   // an unfinished line, if it may be a mark
	marks   []string // the last maxMarks marks, oldest first
}

const maxMarks = 8

var markPrefixes = []string{"fatal error: ", "panic: ", "runtime: goroutine stack exceeds "}

func (m *markWriter) Write(p []byte) (int, error) {
	m.mu.Lock()
	m.partial = append(m.partial, p...)
	for {
		i := bytes.IndexByte(m.partial, '\n')
		if i < 0 {
			break
		}
		m.mark(string(m.partial[:i]))
		m.partial = m.partial[i+1:]
	}
	if len(m.partial) > 4096 {
		m.partial = m.partial[:0] // a long line is no mark; its end is dropped
	}
	m.partial = append([]byte(nil), m.partial...)
	hide := m.hideDump && len(m.marks) > 0
	m.mu.Unlock()
	if hide {
		return len(p), nil
	}
	return m.w.Write(p)
}

func (m *markWriter) mark(line string) {
	for _, p := range markPrefixes {
		if strings.HasPrefix(line, p) {
			m.marks = append(m.marks, line)
			if len(m.marks) > maxMarks {
				m.marks = m.marks[1:]
			}
			return
		}
	}
}

// String returns the marks, one a line.
func (m *markWriter) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return strings.Join(append(m.marks, string(m.partial)), "\n")
}
