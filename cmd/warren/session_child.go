package main

// The session process: `warren _session` runs one interp.Session for a
// parent warren (the kernel or `warren run`) and speaks a line-delimited
// JSON protocol with it over two pipes. A Go fatal error (concurrent map
// writes, stack overflow, out of memory) kills only this process; the parent
// reads the runtime's report from the crash file and tells the user.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/warren-go/warren/interp"
)

// File descriptors of the session process (exec.Cmd.ExtraFiles start at 3).
const (
	fdCalls = 3 // parent → child: frames of calls and input replies
	fdEvent = 4 // child → parent: frames of results, output and input requests
	fdCrash = 5 // the Go runtime's fatal error report (debug.SetCrashOutput)
	fdPos   = 6 // positions of interpreted function bodies (interp.TracePositions)
)

// sessionFDsEnv, set to sessionFDs by the parent, tells the session process
// that its fds 3 to 6 are the parent's pipes and files.
const (
	sessionFDsEnv = "WARREN_SESSION_FDS"
	sessionFDs    = "3,4,5,6"
)

// maxStack bounds a goroutine's stack in the session process. Go's default
// (1 GB) lets unbounded interpreted recursion run for seconds and take 1 GB
// of memory before the fatal "stack overflow"; 256 MB fails in a fraction
// of that and still allows recursion tens of thousands of interpreted calls
// deep (see RELIABILITY.md for the measurement).
const maxStack = 256 << 20

// frame is one message between parent and session process. Op says which
// fields matter:
//
//	parent → child: "execute" (ID, Cell, Code, Updates), "interrupt" (Cell),
//	  "complete" (ID, Code, Cursor), "inspect" (ID, Code, Cursor, Detail),
//	  "input" (ID, Value, Err: the answer to an input request),
//	  "debug" (ID, DAP: a debug request)
//	child → parent: "ready", "result" (ID, Data, Error; Matches/Start/End;
//	  Found; DAP: a debug response), "debug_event" (DAP: a debug event,
//	  sent at any time), "stream" (Cell, Name, Text), "display" (Cell, Data, Metadata,
//	  Display), "update" (Cell, Display, Data, Metadata), "clear" (Cell, Wait),
//	  "input" (ID, Cell, Prompt, Password)
type frame struct {
	Op       string          `json:"op"`
	ID       uint64          `json:"id,omitempty"`
	Cell     string          `json:"cell,omitempty"`
	Code     string          `json:"code,omitempty"`
	Cursor   int             `json:"cursor,omitempty"`
	Detail   int             `json:"detail,omitempty"`
	Name     string          `json:"name,omitempty"`
	Text     string          `json:"text,omitempty"`
	Data     map[string]any  `json:"data,omitempty"`
	Metadata map[string]any  `json:"metadata,omitempty"`
	Error    *interp.Error   `json:"error,omitempty"`
	Err      string          `json:"err,omitempty"`
	Matches  []string        `json:"matches,omitempty"`
	Start    int             `json:"start,omitempty"`
	End      int             `json:"end,omitempty"`
	Found    bool            `json:"found,omitempty"`
	Prompt   string          `json:"prompt,omitempty"`
	Password bool            `json:"password,omitempty"`
	Value    string          `json:"value,omitempty"`
	Updates  bool            `json:"updates,omitempty"`    // execute: the cell's Output updates displays in place
	Display  string          `json:"display_id,omitempty"` // display (with an id), update
	Wait     bool            `json:"wait,omitempty"`       // clear
	EOF      bool            `json:"eof,omitempty"`
	DAP      json.RawMessage `json:"dap,omitempty"` // debug, debug_event, and the result of debug
}

// sessionChildCmd implements the hidden `warren _session` command.
func sessionChildCmd(stderr io.Writer) int {
	// Only a parent that passed the pipes says so; without it fds 3-6 may
	// be anything (the Go runtime's own epoll descriptor, for instance).
	if os.Getenv(sessionFDsEnv) != sessionFDs {
		fmt.Fprintln(stderr, "warren _session: internal command of warren; not for direct use")
		return 2
	}
	os.Unsetenv(sessionFDsEnv) // not inherited by what cells run
	closeOnExec(fdCalls, fdEvent, fdCrash, fdPos)
	calls, events, crash := os.NewFile(fdCalls, "calls"), os.NewFile(fdEvent, "events"), os.NewFile(fdCrash, "crash")
	if err := debug.SetCrashOutput(crash, debug.CrashOptions{}); err != nil {
		fmt.Fprintf(stderr, "warren _session: crash output: %v\n", err)
	}
	crash.Close()
	debug.SetMaxStack(maxStack)
	// Ctrl-C in a terminal and jupyter_client's signals reach the whole
	// process group: the parent turns them into interrupt frames.
	signal.Ignore(os.Interrupt, syscall.SIGHUP, syscall.SIGTERM)

	// The parent's pid names the debugger's source directory, which stays
	// the same when the parent restarts this process.
	s, err := interp.New(interp.Options{DebugDir: filepath.Join(os.TempDir(), "warren_"+strconv.Itoa(os.Getppid()))})
	if err != nil {
		fmt.Fprintf(stderr, "warren _session: %v\n", err)
		return 1
	}
	if err := s.TracePositions(os.NewFile(fdPos, "positions")); err != nil {
		fmt.Fprintf(stderr, "warren _session: positions: %v\n", err)
	}
	c := &childServer{s: s, enc: json.NewEncoder(events), running: map[string]context.CancelFunc{}, inputs: map[uint64]chan frame{}}
	s.SetDebugEvents(func(ev []byte) { c.send(frame{Op: "debug_event", DAP: ev}) })
	c.send(frame{Op: "ready"})
	c.serve(json.NewDecoder(calls))
	// The parent closed the pipe: it is shutting down or restarting us.
	// Interrupt what runs, then close the session (at most 2 s).
	c.mu.Lock()
	for _, cancel := range c.running {
		cancel()
	}
	c.mu.Unlock()
	done := make(chan struct{})
	go func() { _ = s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return 0
}

// childServer answers the parent's frames with one interp.Session.
type childServer struct {
	s *interp.Session

	wmu sync.Mutex
	enc *json.Encoder

	mu      sync.Mutex
	running map[string]context.CancelFunc // cell → cancels its Execute
	inputs  map[uint64]chan frame         // input requests awaiting the parent
	nextID  uint64
}

func (c *childServer) send(f frame) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if err := c.enc.Encode(f); err != nil {
		// The parent is gone; nothing can be reported any more.
		os.Exit(0)
	}
}

// serve reads frames until the parent closes the pipe.
func (c *childServer) serve(dec *json.Decoder) {
	for {
		var f frame
		if err := dec.Decode(&f); err != nil {
			return
		}
		switch f.Op {
		case "execute":
			ctx, cancel := context.WithCancel(context.Background())
			c.mu.Lock()
			c.running[f.Cell] = cancel
			c.mu.Unlock()
			go c.execute(ctx, cancel, f)
		case "interrupt":
			c.mu.Lock()
			cancel := c.running[f.Cell]
			c.mu.Unlock()
			if cancel != nil {
				cancel()
			}
		case "complete":
			go func() {
				m, start, end := c.s.Complete(f.Code, f.Cursor)
				c.send(frame{Op: "result", ID: f.ID, Matches: m, Start: start, End: end})
			}()
		case "inspect":
			go func() {
				data, found := c.s.Inspect(f.Code, f.Cursor, f.Detail)
				c.send(frame{Op: "result", ID: f.ID, Data: data, Found: found})
			}()
		case "debug":
			// At once, in order: debug requests never wait for a cell.
			c.send(frame{Op: "result", ID: f.ID, DAP: c.s.DebugRequest(f.DAP)})
		case "input":
			c.mu.Lock()
			ch := c.inputs[f.ID]
			delete(c.inputs, f.ID)
			c.mu.Unlock()
			if ch != nil {
				ch <- f
			}
		}
	}
}

func (c *childServer) execute(ctx context.Context, cancel context.CancelFunc, f frame) {
	defer func() {
		c.mu.Lock()
		delete(c.running, f.Cell)
		c.mu.Unlock()
		cancel()
	}()
	var out interp.Output = childOutput{c, f.Cell}
	if f.Updates {
		out = updatingOutput{childOutput{c, f.Cell}}
	}
	data, err := c.s.Execute(ctx, f.Cell, f.Code, out)
	r := frame{Op: "result", ID: f.ID, Data: data}
	if err != nil {
		var ie *interp.Error
		if !errors.As(err, &ie) {
			ie = &interp.Error{Name: "Error", Value: err.Error()}
		}
		r.Error = ie
	}
	c.send(r)
}

// childOutput sends a cell's output to the parent, which delivers it to the
// cell's Output there.
type childOutput struct {
	c    *childServer
	cell string
}

func (o childOutput) Stream(name, text string) {
	o.c.send(frame{Op: "stream", Cell: o.cell, Name: name, Text: text})
}

func (o childOutput) Display(data, metadata map[string]any) {
	o.c.send(frame{Op: "display", Cell: o.cell, Data: data, Metadata: metadata})
}

// updatingOutput is the childOutput of a cell whose Output in the parent
// updates displays in place (interp.DisplayUpdater).
type updatingOutput struct{ childOutput }

func (o updatingOutput) DisplayID(id string, data, metadata map[string]any) {
	o.c.send(frame{Op: "display", Cell: o.cell, Display: id, Data: data, Metadata: metadata})
}

func (o updatingOutput) UpdateDisplay(id string, data, metadata map[string]any) {
	o.c.send(frame{Op: "update", Cell: o.cell, Display: id, Data: data, Metadata: metadata})
}

func (o updatingOutput) ClearOutput(wait bool) {
	o.c.send(frame{Op: "clear", Cell: o.cell, Wait: wait})
}

// Input asks the parent's Output of the cell for a line (interp.Inputter).
func (o childOutput) Input(prompt string, password bool) (string, error) {
	ch := make(chan frame, 1)
	o.c.mu.Lock()
	o.c.nextID++
	id := o.c.nextID
	o.c.inputs[id] = ch
	o.c.mu.Unlock()
	o.c.send(frame{Op: "input", ID: id, Cell: o.cell, Prompt: prompt, Password: password})
	r := <-ch
	switch {
	case r.EOF:
		return "", io.EOF
	case r.Err != "":
		return "", errors.New(r.Err)
	}
	return r.Value, nil
}
