//go:build !unix

package main

// supervised reports whether cells run in a session process (which needs
// exec.Cmd.ExtraFiles, not available on Windows): here they run in the
// warren process, and a Go fatal error ends it.
const supervised = false

func closeOnExec(...int) {}
