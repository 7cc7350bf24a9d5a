package parallel

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// ErrCancelled is the cause of a task ended by Cancel, CancelGroup,
// AbortStarted or Shutdown. errors.Is(err, ErrCancelled) and
// errors.Is(err, context.Canceled) both hold for such a task's error.
var ErrCancelled error = cancelledError{}

type cancelledError struct{}

func (cancelledError) Error() string { return "ray: task cancelled" }

// Is makes ErrCancelled match context.Canceled.
func (cancelledError) Is(target error) bool { return target == context.Canceled }

var errGoexit = errors.New("task function called runtime.Goexit")

// A PanicError is the cause of a task that panicked with a value that is not
// an error. (A task panicking with an error value has that error as cause.)
type PanicError struct {
	Value any // the value passed to panic
}

// Error formats the panic value.
func (e *PanicError) Error() string { return fmt.Sprint(e.Value) }

// A TaskError reports a failed task. Get and GetAll panic with a *TaskError;
// GetContext and GetAllContext return one. It unwraps to the cause: the error
// the task returned or panicked with (a *PanicError for other panic values),
// ErrCancelled (possibly wrapped) for a cancelled task, or, when the task did
// not run because an input failed, the *TaskError of that input — so
// errors.Is and errors.As reach the root cause through any chain of tasks.
type TaskError struct {
	TaskID   uint64   // id of the failed task
	Name     string   // task name (the function name unless set by TaskName)
	Function string   // function name
	Group    string   // group of the task (the notebook cell that submitted it)
	Attempt  int      // attempt that failed, 0 for the first run
	Input    int      // index of the failed argument when an input failed, else -1
	Message  string   // the original message: the cause's text
	Stack    []string // frames of the task where it failed, innermost first ("func (file:line)")
	Err      error    // the cause

	// Previous holds the failures of the earlier attempts of a task retried
	// with MaxRetries and RetryExceptions, oldest first; nil if it ran once.
	Previous []*TaskError
}

// Error returns a one-line description: which task failed and why.
func (e *TaskError) Error() string {
	if e.Input >= 0 {
		return fmt.Sprintf("ray: task %s (#%d) not run: input %d failed: %s", e.Name, e.TaskID, e.Input, e.Message)
	}
	return fmt.Sprintf("ray: task %s (#%d) failed: %s", e.Name, e.TaskID, e.Message)
}

// Unwrap returns the cause.
func (e *TaskError) Unwrap() error { return e.Err }

// Root follows failed inputs to the task where the failure started and
// returns its TaskError (e itself when the task failed by itself).
func (e *TaskError) Root() *TaskError {
	r := e
	for r.Input >= 0 {
		next, ok := r.Err.(*TaskError)
		if !ok {
			break
		}
		r = next
	}
	return r
}

// Detail returns a multi-line report: the error, the chain of failed inputs
// down to the root cause, and the root task's stack.
func (e *TaskError) Detail() string {
	var b strings.Builder
	b.WriteString(e.Error())
	r := e
	for r.Input >= 0 {
		next, ok := r.Err.(*TaskError)
		if !ok {
			break
		}
		fmt.Fprintf(&b, "\n  input %d of %s came from task %s (#%d)", r.Input, r.Name, next.Name, next.TaskID)
		r = next
	}
	if len(r.Stack) > 0 {
		fmt.Fprintf(&b, "\nstack of task %s (#%d):", r.Name, r.TaskID)
		for _, f := range r.Stack {
			b.WriteString("\n    ")
			b.WriteString(f)
		}
	}
	for _, p := range r.Previous {
		fmt.Fprintf(&b, "\nattempt %d failed too: %s", p.Attempt, p.Message)
	}
	return b.String()
}

func newTaskError(t *task, cause error, stack []string) *TaskError {
	msg := "<nil error>"
	if cause != nil {
		msg = cause.Error()
	}
	t.mu.Lock()
	a := t.attempt
	t.mu.Unlock()
	return &TaskError{TaskID: t.id, Name: t.f.name, Function: t.f.fname, Group: t.group,
		Attempt: a, Input: -1, Message: msg, Stack: stack, Err: cause}
}

func newInputError(t *task, idx int, o *object) *TaskError {
	e := newTaskError(t, o.err, nil)
	e.Input = idx
	if te, ok := o.err.(*TaskError); ok {
		e.Message = fmt.Sprintf("%s (#%d): %s", te.Name, te.TaskID, te.Root().Message)
	}
	return e
}

func newCancelError(t *task, cause error) *TaskError {
	if cause == nil {
		cause = ErrCancelled
	} else if !errors.Is(cause, ErrCancelled) {
		cause = fmt.Errorf("%w: %w", ErrCancelled, cause)
	}
	return newTaskError(t, cause, nil)
}

// newPanicError builds the error of a task that panicked with v. It runs in
// the deferred recover, on the panicking goroutine, so the stack is intact.
func newPanicError(t *task, v any, host Host) *TaskError {
	cause, ok := v.(error)
	if !ok {
		cause = &PanicError{Value: v}
	}
	var frames []string
	if pl, ok := host.(PanicLocator); ok {
		frames = pl.PanicFrames(v, debug.Stack())
	} else {
		frames = userFrames(3)
	}
	return newTaskError(t, cause, frames)
}

// userFrames returns the calling goroutine's frames minus the Go runtime,
// reflect, yaegi internals and this package's own code.
func userFrames(skip int) []string {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(skip, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var out []string
	for {
		f, more := frames.Next()
		if keepFrame(f) {
			out = append(out, fmt.Sprintf("%s (%s:%d)", f.Function, f.File, f.Line))
		}
		if !more {
			break
		}
	}
	return out
}

const pkgPath = "github.com/warren-go/warren/parallel."

func keepFrame(f runtime.Frame) bool {
	fn := f.Function
	switch {
	case fn == "":
		return false
	case strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "reflect."):
		return false
	case strings.HasPrefix(fn, "github.com/traefik/yaegi/"):
		return false
	case strings.HasPrefix(fn, pkgPath):
		// Keep test code of this package (it stands for user code).
		return strings.HasSuffix(f.File, "_test.go")
	}
	return true
}

// entryFrames locates a function that returned an error: its definition.
func (f *RemoteFunction) entryFrames() []string {
	if f.file == "" {
		return nil
	}
	return []string{fmt.Sprintf("%s (%s:%d)", f.fname, f.file, f.line)}
}
