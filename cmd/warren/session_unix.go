//go:build unix

package main

import "syscall"

// supervised reports whether cells run in a session process (which needs
// exec.Cmd.ExtraFiles, not available on Windows).
const supervised = true

// closeOnExec keeps the session process's pipes and crash file out of the
// processes cells start: a grandchild holding the events pipe open would
// hide the session process's death from the parent.
func closeOnExec(fds ...int) {
	for _, fd := range fds {
		syscall.CloseOnExec(fd)
	}
}
