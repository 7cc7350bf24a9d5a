//go:build linux || darwin || freebsd

package native

import (
	"testing"
	"time"
)

// Two workspaces on one directory (as two processes sharing it have) take
// turns: the second's lock waits until the first's is released.
func TestWorkspaceLockAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	a, b := &Workspace{dir: dir}, &Workspace{dir: dir}
	unlockA := a.lock()
	got := make(chan struct{})
	go func() {
		unlockB := b.lock()
		close(got)
		unlockB()
	}()
	select {
	case <-got:
		t.Fatal("the second workspace locked the directory while the first held it")
	case <-time.After(200 * time.Millisecond):
	}
	unlockA()
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("the second workspace did not get the lock after the first released it")
	}
}
