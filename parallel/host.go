package parallel

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
	// TODO(parallel): implement.
	_ = h
}

// CurrentGroup reports the group of the task running on the calling goroutine,
// and false when the caller is not running a task.
func CurrentGroup() (string, bool) {
	// TODO(parallel): implement.
	return "", false
}

// CancelGroup cancels every unfinished task of the given group in the default
// runtime: queued tasks never run, running tasks have their context cancelled
// and end as cancelled. It returns the number of tasks cancelled.
func CancelGroup(group string) int {
	// TODO(parallel): implement.
	_ = group
	return 0
}

// AbortStarted marks every task of the default runtime that has started and
// not yet finished as cancelled with the given cause, whatever its function
// returns afterwards. A host calls it when it has aborted task code in flight
// (yaegi aborts all interpreted code when one evaluation is cancelled, and the
// aborted functions return zero values that must not pass for results).
func AbortStarted(cause error) int {
	// TODO(parallel): implement.
	_ = cause
	return 0
}
