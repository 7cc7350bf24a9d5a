package interp

import (
	"io"
	"sync"
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
