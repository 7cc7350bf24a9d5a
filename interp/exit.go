package interp

import "go/ast"

// os.Exit and log.Fatal in a cell end it with an Exit error. In warren they
// unwind the cell's goroutine (a panic the session recovers), which would
// run the deferred calls of every interpreted function on the way; Go's
// os.Exit runs none. So the Exit hooks set the session's exiting flag
// (cleared when the next cell starts) and the deferred calls of interpreted
// code check it:
//
//   - calls deferred through Bind, RunDefers or Guard (see deferargs.go):
//     every call with arguments, a named function or function variable
//     without (`defer cleanup()`), the method calls whose receiver's type
//     go/types knows in the cell, every defer of a function whose loop
//     bodies defer;
//   - a deferred function literal (`defer func() { … }()`) starts with
//     exitGuard.
//
// Still run: deferred builtins (`defer close(ch)`), function literals with
// unnamed results, method calls without arguments on a receiver of a
// package's type (`defer mu.Unlock()`, `defer wg.Done()`, left alone for
// speed), and the deferred calls of compiled code.

// exitGuard starts a deferred function literal: it returns at once after
// os.Exit.
const exitGuard = " if " + goHook + ".Exiting() { return };"

// guardable reports whether exitGuard can start lit's body: a bare return
// is valid there (no results, or named ones).
func guardable(lit *ast.FuncLit) bool {
	r := lit.Type.Results
	return r == nil || len(r.List) == 0 || len(r.List[0].Names) > 0
}

// guard is __warren.Guard: f, which does nothing after os.Exit.
func (s *Session) guard(f func()) func() {
	return func() {
		if !s.exiting.Load() {
			f()
		}
	}
}
