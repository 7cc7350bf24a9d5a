package interp

import (
	"time"

	"github.com/warren-go/warren/parallel"
)

// Interrupts: what stops interpreted code in flight, and what undoes the
// interpreter's side of it once the stopped code has unwound. The waits
// around them are in evalLocked (execute.go) and holders.go.

// interruptGrace is how long an interrupt waits for the stopped chunk to
// unwind before it reports KeyboardInterrupt anyway.
const interruptGrace = 700 * time.Millisecond

func interruptError(msg string) *Error {
	return &Error{Name: "KeyboardInterrupt", Value: msg, Traceback: []string{"KeyboardInterrupt: " + msg}}
}

// stopAll aborts all interpreted code in flight (the cell's and every
// task's), wakes sleepers, and marks the aborted tasks cancelled.
// It reports whether it stopped yaegi.
func (s *Session) stopAll() bool {
	s.mu.Lock()
	stopped := false
	if !s.stopped && s.evals > 0 {
		yaegiStop(s.i)
		s.stopped, stopped = true, true
	}
	close(s.abort)
	s.abort = make(chan struct{})
	s.mu.Unlock()
	parallel.AbortStarted(errInterrupted)
	return stopped
}

// reviveRun undoes the run-id increment of yaegiStop once the stopped code
// has unwound and no task runs interpreted code: yaegi gives every frame
// the run id current at its creation and never runs a frame with an older
// one, so without this a closure made before an interrupt and called after
// it returns zero values. Tasks and goroutines still running interpreted
// code after 300 ms (ignoring the abort) leave the increment in place;
// goroutines of go statements that are blocked (in a channel operation, a
// lock, I/O) are not waited for (see releaseBlocked): one that wakes up
// later goes on as if not interrupted.
func (s *Session) reviveRun() {
	for deadline := time.Now().Add(300 * time.Millisecond); !s.gate.idle(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			return
		}
		s.releaseBlocked()
	}
	revertRunID(s.i) // yaegiinternals.go
}
