//go:build !(linux || darwin || freebsd)

package native

// lock serializes the workspace's go commands within this process (Open
// refuses platforms without plugins, so no workspace gets here).
func (w *Workspace) lock() (unlock func()) {
	w.mu.Lock()
	return w.mu.Unlock
}
