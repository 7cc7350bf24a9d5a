package parallel

import "sync/atomic"

// This file is the contract between the runtime and a host program that embeds it,
// such as warren's interpreter session. A compiled Go program that only uses the
// runtime never needs it.

// TaskInfo describes one task to a Host.
type TaskInfo struct {
	ID       uint64 // unique within the process
	Name     string // task name (function name unless overridden by options)
	Function string // function name
	Group    string // the group of the submitter: Host.Group() for driver submissions, inherited by nested tasks
	Attempt  int    // 0 for the first run, incremented on each retry
	// Blocking is true for the Exit just before the task blocks in Get,
	// GetAll or Wait and for the Enter when it resumes: the task goes on
	// afterwards. It is false for the Enter when an attempt starts and the
	// Exit when it ends.
	Blocking bool
}

// A Host lets an embedding program observe and gate task execution.
// All methods may be called concurrently from many goroutines.
type Host interface {
	// Group returns the label recorded on a task submitted from outside any task
	// (by "the driver"). Nested tasks inherit their parent's group. warren uses
	// the id of the notebook cell being executed.
	Group() string
	// Enter is called on a goroutine just before it runs task code: when a task
	// starts, and when a task resumes after blocking in Get, GetAll or Wait.
	// It may block (warren blocks here while a cell is being compiled).
	Enter(t TaskInfo)
	// Exit is called on the same goroutine when it stops running task code:
	// when the task function returns or panics, and just before the task
	// blocks in Get, GetAll or Wait. Every Enter is paired with one Exit.
	Exit(t TaskInfo)
}

// SetHost installs h as the host of every runtime created afterwards and of
// the current default runtime. A nil h removes the host.
func SetHost(h Host) {
	var b *hostBox
	if h != nil {
		b = &hostBox{h: h}
	}
	globalHost.Store(b)
	if rt := defaultRT.Load(); rt != nil {
		rt.host.Store(b)
	}
}

// globalHost is the host given to runtimes when they are created.
var globalHost atomic.Pointer[hostBox]

// SetHost installs h as the host of rt only. A nil h removes it.
func (rt *Runtime) SetHost(h Host) {
	var b *hostBox
	if h != nil {
		b = &hostBox{h: h}
	}
	rt.host.Store(b)
}

// A PanicLocator is a Host that maps the stack of a panicking task to frames
// the user recognises (for interpreted code: positions in the notebook cell).
// When the Host implements it, the runtime calls PanicFrames on the panicking
// goroutine, inside its recover, with the panic value and debug.Stack(), and
// uses the result as the TaskError's Stack. Otherwise the Stack is the Go
// stack without runtime, reflect, yaegi and runtime-internal frames.
type PanicLocator interface {
	PanicFrames(v any, goStack []byte) []string
}

// CurrentGroup reports the group of the task running on the calling goroutine,
// and false when the caller is not running a task.
func CurrentGroup() (string, bool) {
	if t := currentTask(); t != nil {
		return t.group, true
	}
	return "", false
}

// CurrentTask reports the TaskInfo of the task running on the calling
// goroutine, and false when the caller is not running a task.
func CurrentTask() (TaskInfo, bool) {
	if t := currentTask(); t != nil {
		return t.info(), true
	}
	return TaskInfo{}, false
}

// CancelGroup cancels every unfinished task of the given group in the default
// runtime: queued tasks never run, running tasks have their context cancelled
// and end as cancelled (keeping their resources until their code returns, as
// with Cancel). It returns the number of tasks cancelled.
func CancelGroup(group string) int {
	if rt := defaultRT.Load(); rt != nil {
		return rt.CancelGroup(group)
	}
	return 0
}

// CancelGroup is like the package-level CancelGroup, for rt.
func (rt *Runtime) CancelGroup(group string) int {
	rt.mu.Lock()
	ts := rt.liveTasks(func(t *task) bool { return t.group == group })
	rt.mu.Unlock()
	return cancelTasks(ts, ErrCancelled, false)
}

// AbortStarted marks every task of the default runtime that has started and
// not yet finished as cancelled with the given cause, whatever its function
// returns afterwards. A host calls it when it has aborted task code in flight
// (yaegi aborts all interpreted code when one evaluation is cancelled, and the
// aborted functions return zero values that must not pass for results).
func AbortStarted(cause error) int {
	if rt := defaultRT.Load(); rt != nil {
		return rt.AbortStarted(cause)
	}
	return 0
}

// AbortStarted is like the package-level AbortStarted, for rt.
func (rt *Runtime) AbortStarted(cause error) int {
	rt.mu.Lock()
	ts := rt.liveTasks(func(t *task) bool { return t.started })
	rt.mu.Unlock()
	return cancelTasks(ts, cause, false)
}
