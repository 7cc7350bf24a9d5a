package kernel

import "context"

// A Handler evaluates code for the kernel. The kernel owns the protocol
// (sockets, signatures, status, execution counts, history, replies); the
// Handler owns the language. Methods other than Execute may be called while an
// Execute is in progress (completion in a notebook while a cell runs).
type Handler interface {
	// Execute runs one cell. ctx is cancelled when the user interrupts the
	// cell (interrupt_request or SIGINT). Output produced while the cell runs,
	// and output produced later by work the cell started, is sent to out.
	// A nil error with a nil result means the cell produced no value.
	Execute(ctx context.Context, req ExecuteRequest, out Output) (*Result, error)
	// Complete returns completions for code at byte offset cursor
	// (the kernel converts the protocol's character offsets).
	Complete(code string, cursor int) Completion
	// Inspect returns a MIME bundle describing the object at cursor, and false
	// when nothing is found.
	Inspect(code string, cursor, detailLevel int) (map[string]any, bool)
	// IsComplete reports whether code is ready to run: status is "complete",
	// "incomplete" (indent is the suggested indentation) or "invalid".
	IsComplete(code string) (status, indent string)
}

// ExecuteRequest is the part of an execute_request a Handler needs.
type ExecuteRequest struct {
	Code           string
	ExecutionCount int    // the count this cell will be shown with
	CellID         string // the request's msg_id: a unique id for this cell run
	Silent         bool
}

// Output receives a cell's output. Each Output is bound to one execute_request;
// it stays valid after Execute returns (late output from background work is
// still published with that request as parent). Safe for concurrent use.
type Output interface {
	// Stream sends text on "stdout" or "stderr". The kernel batches stream
	// text and publishes it every ~50 ms while the cell runs, and flushes it
	// before the execute reply.
	Stream(name, text string)
	// Display publishes display_data with the given MIME bundle.
	Display(data, metadata map[string]any)
	// DisplayID publishes display_data with a transient display id, which
	// UpdateDisplay then replaces in place (update_display_data).
	DisplayID(id string, data, metadata map[string]any)
	// UpdateDisplay publishes update_display_data for a display id.
	UpdateDisplay(id string, data, metadata map[string]any)
	// ClearOutput publishes clear_output (with wait, the front end clears
	// when the next output arrives).
	ClearOutput(wait bool)
}

// Result is the value of a cell's trailing expression as a MIME bundle
// (at least "text/plain").
type Result struct {
	Data     map[string]any
	Metadata map[string]any
}

// Error is the error a Handler returns for a failing cell. Any other error is
// reported with ename "Error" and its message.
type Error struct {
	Name      string   // ename, e.g. "CompileError", "panic", "*ray.TaskError"
	Value     string   // evalue
	Traceback []string // lines, pointing at lines of the cell
}

// Error returns "ename: evalue".
func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Completion is a complete_reply's payload. Start and End are byte offsets in
// the code; the kernel converts them to character offsets.
type Completion struct {
	Matches    []string
	Start, End int
}
