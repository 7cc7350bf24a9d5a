//go:build linux || darwin || freebsd

package native

import (
	"os"
	"path/filepath"
	"syscall"
)

// lock serializes the workspace's go commands and go.mod edits: within
// this process (w.mu), and across the processes that share the workspace
// directory (two kernels, a kernel and a cluster worker on one machine)
// with an exclusive flock of its lock file. It returns the unlock. If the
// file cannot be locked (a file system without flock), only the process's
// own lock is held.
func (w *Workspace) lock() (unlock func()) {
	w.mu.Lock()
	f, err := os.OpenFile(filepath.Join(w.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err == nil {
		for {
			if err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != syscall.EINTR {
				break
			}
		}
		if err != nil {
			f.Close()
			f = nil
		}
	}
	return func() {
		if f != nil {
			_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
			f.Close()
		}
		w.mu.Unlock()
	}
}
