package interp

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Magics are lines starting with % at the top of a cell:
//
//	%%native            the cell is compiled Go (see native.go)
//	%go get MODULE[@VERSION]…  fetch modules into the native workspace
//
// A cell may start with %go lines and go on with Go code.

// magic handles the magics at the top of code. It reports whether the cell
// is done (with its result and error); otherwise it returns the code left to
// interpret, magic lines blanked so that line numbers stay.
func (s *Session) magic(ctx context.Context, c *cell, code string) (rest string, done bool, err error) {
	lines := strings.Split(code, "\n")
	i := 0
	for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i == len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[i]), "%") {
		return code, false, nil
	}
	if strings.TrimSpace(lines[i]) == "%%native" {
		lines[i] = ""
		_, err := s.runNative(ctx, c, strings.Join(lines, "\n"))
		return "", true, err
	}
	for ; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "%") {
			break
		}
		f := strings.Fields(l)
		switch {
		case f[0] == "%go" && len(f) >= 3 && f[1] == "get":
			ws, err := s.workspace()
			if err != nil {
				return "", true, nativeError(err)
			}
			for _, spec := range f[2:] {
				fmt.Fprintf(streamWriter{c, "stderr"}, "go get %s\n", spec)
				if err := ws.Get(ctx, spec, streamWriter{c, "stderr"}); err != nil {
					if errors.Is(err, context.Canceled) {
						return "", true, interruptError("interrupted during go get")
					}
					return "", true, importError(err, spec)
				}
				s.noteModule(spec)
			}
		default:
			msg := fmt.Sprintf("unknown magic %q: warren knows %%%%native (first line of a cell) and %%go get MODULE[@VERSION]", l)
			return "", true, &Error{Name: "CompileError", Value: msg, Traceback: []string{"CompileError: " + msg, sourceLine(code, i+1)}}
		}
		lines[i] = ""
	}
	rest = strings.Join(lines, "\n")
	if strings.TrimSpace(rest) == "" {
		return "", true, nil
	}
	return rest, false, nil
}
