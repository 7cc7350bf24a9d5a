package interp

import (
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Inputter is implemented by an Output that can ask the user for a line of
// text, as the kernel's Output does when the client accepts input
// (execute_request's allow_stdin). Input returns the line without its
// newline.
type Inputter interface {
	Input(prompt string, password bool) (string, error)
}

// stdin is what cells read with fmt.Scan, fmt.Scanln and fmt.Scanf: a read
// that finds no text left from the previous line asks the Output of the
// reading cell (or of the cell that started the reading task or goroutine)
// for a new line. Without an Inputter there is no input: reads return io.EOF.
type stdin struct {
	s   *Session
	mu  sync.Mutex // one line request at a time
	buf []byte
}

func (in *stdin) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if len(in.buf) == 0 {
		c := in.s.cellFor()
		var ask Inputter
		if c != nil {
			ask, _ = c.out.(Inputter)
		}
		if ask == nil {
			return 0, io.EOF
		}
		// A prompt the cell printed goes out before the input box.
		in.s.stdout.flush()
		in.s.stderr.flush()
		line, err := ask.Input("", false)
		if err != nil {
			return 0, err
		}
		in.buf = append(in.buf, line...)
		in.buf = append(in.buf, '\n')
	}
	n := copy(p, in.buf)
	in.buf = in.buf[n:]
	return n, nil
}

// stdinFile is what cells see as os.Stdin: reads take lines from the same
// source as fmt.Scan (the stdin above), so bufio.NewReader(os.Stdin),
// bufio.NewScanner(os.Stdin), fmt.Fscan(os.Stdin, …) and io.ReadAll ask
// the client for input as fmt.Scan does. It is not an *os.File (a pipe
// cannot tell when a cell reads it, so input could not be asked for on
// demand): it has the methods of one that make sense for an input that is
// a person, and code that needs a real *os.File gets a compile error.
type stdinFile struct {
	in *stdin

	mu     sync.Mutex
	closed bool
}

// Read reads from the cell's input; after Close it fails as os.File's does.
func (f *stdinFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return 0, &fs.PathError{Op: "read", Path: f.Name(), Err: os.ErrClosed}
	}
	return f.in.Read(p)
}

// Close makes later reads fail; closing twice fails as os.File's does.
func (f *stdinFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return &fs.PathError{Op: "close", Path: f.Name(), Err: os.ErrClosed}
	}
	f.closed = true
	return nil
}

// Name is os.Stdin's name.
func (f *stdinFile) Name() string { return "/dev/stdin" }

// Stat describes the input as a terminal (a character device), which is
// what it is to the program: a person typing lines.
func (f *stdinFile) Stat() (fs.FileInfo, error) { return stdinInfo{}, nil }

type stdinInfo struct{}

func (stdinInfo) Name() string       { return "stdin" }
func (stdinInfo) Size() int64        { return 0 }
func (stdinInfo) Mode() fs.FileMode  { return fs.ModeDevice | fs.ModeCharDevice | 0o620 }
func (stdinInfo) ModTime() time.Time { return time.Time{} }
func (stdinInfo) IsDir() bool        { return false }
func (stdinInfo) Sys() any           { return nil }

func isStdinFile(a any) bool {
	_, ok := a.(*stdinFile)
	return ok
}
