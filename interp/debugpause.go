package interp

import (
	"fmt"
	"go/ast"
	"go/token"
	"reflect"
	"unsafe"

	"github.com/petermattis/goid"
)

// Pause: DAP's pause request stops a running goroutine where it is. yaegi
// v0.16.1's Debugger.Interrupt cannot do it without a data race (it writes
// the target routine's mode from the requesting goroutine), so the
// goroutine stops itself:
//
//   - A chunk compiled while a debugger is attached has a pause check at the
//     top of every function body, at the end of every loop body and before
//     every continue (pauseEdits): `if __warren.PauseCheck() { __warrenPause() }`.
//     PauseCheck is compiled: one atomic load while no pause is pending.
//   - pause marks the goroutine; its next check calls __warrenPause, the
//     session's prelude function, whose single statement is flagged as a
//     breakpoint whenever yaegi's debugger is installed (apply). yaegi then
//     reports the breakpoint on that goroutine itself, and onEvent reports
//     it as stopped with reason "pause" and the frames of the caller (the
//     pause function's frame left out). Steps and continue go on from there
//     as from a breakpoint.
//
// A goroutine blocked (in a channel operation, a sleep, ray.Get) pauses
// when it next reaches a check; code compiled before the debugger was
// attached has no checks and does not pause.

// pauseFunc is the prelude's pause function; pauseFuncSrc declares it on
// lines of its own (after the two lines of the prelude before it), its
// statement on pauseLine.
const (
	pauseFunc    = "__warrenPause"
	pauseFuncSrc = "func " + pauseFunc + "() {\n\t" + goHook + ".Paused()\n}"
	pauseLine    = 4
)

// pauseCheckSrc is the pause check inserted into bodies, after a line
// directive, "if " and the directive again: the if and the check's first
// node (yaegi's start node of a function body, where a panic's message
// points) are both at the directive's position, on one line.
const pauseCheckSrc = goHook + ".PauseCheck() { " + pauseFunc + "() };"

// pauseEdits inserts pause checks into the chunk parsed as f: at the top
// of every function body (not a statement chunk's own wrapper function,
// whose brace is outside the text), with the position of the body's first
// statement; at the end of every loop body, with the position of the loop's
// for keyword (a step from the body's last line goes to the loop's line, as
// without the check); and before every continue statement (which skips the
// end of the body), with its position. What follows a check keeps its own
// position.
//
// Not at the top of loop bodies: yaegi's debugger finds the node it runs
// by comparing the code of its interpreter closures (runCfg,
// originalExecNode), and a check at the top of a loop body, entered by a
// jump, was taken for the function body's check, identical code: a
// breakpoint on the loop body's first line then stopped only in the first
// iteration.
func pauseEdits(f *ast.File, fset *token.FileSet, off func(token.Pos) int) []edit {
	var edits []edit
	check := func(p int, at, next token.Pos) {
		d := lineDirective(fset.Position(at))
		edits = append(edits, edit{p, p, ";" + d + "if " + d + pauseCheckSrc + lineDirective(fset.Position(next))})
	}
	top := func(body *ast.BlockStmt) {
		if body == nil || off(body.Lbrace) < 0 {
			return
		}
		at := body.Lbrace + 1
		if len(body.List) > 0 {
			at = body.List[0].Pos()
		}
		check(off(body.Lbrace)+1, at, body.Lbrace+1)
	}
	end := func(loop token.Pos, body *ast.BlockStmt) {
		if off(body.Lbrace) >= 0 {
			check(off(body.Rbrace), loop, body.Rbrace)
		}
	}
	labeled := map[ast.Stmt]bool{} // statements that carry a label
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.LabeledStmt:
			labeled[n.Stmt] = true
		case *ast.FuncDecl:
			top(n.Body)
		case *ast.FuncLit:
			top(n.Body)
		case *ast.ForStmt:
			end(n.For, n.Body)
		case *ast.RangeStmt:
			end(n.For, n.Body)
		case *ast.BranchStmt:
			if n.Tok == token.CONTINUE && !labeled[n] && off(n.Pos()) >= 0 {
				check(off(n.Pos()), n.Pos(), n.Pos())
			}
		}
		return true
	})
	return edits
}

// pauseCheck is __warren.PauseCheck: whether the calling goroutine is
// asked to pause.
func (d *debugState) pauseCheck() bool {
	if !d.pauseAny.Load() {
		return false
	}
	g := goid.Get()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.pauseG[g]
}

// takePause reports whether goroutine g was asked to pause, and forgets
// the request.
func (d *debugState) takePause(g int64) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.pauseG[g] {
		return false
	}
	delete(d.pauseG, g)
	d.pauseAny.Store(len(d.pauseG) > 0)
	return true
}

// pause answers DAP's pause: the goroutine thread, if the debugger knows it
// runs, else every running goroutine it knows (JupyterLab sends thread 1
// when no thread is stopped), stops at its next pause check. The stopped
// event follows when it does.
func (d *debugState) pause(thread int64) (map[string]any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.attached {
		return nil, fmt.Errorf("pause: the debugger is not attached")
	}
	if _, stopped := d.stops[thread]; stopped {
		return nil, nil
	}
	var targets []int64
	if _, ok := d.live[thread]; ok {
		targets = append(targets, thread)
	} else {
		for g := range d.live {
			if _, stopped := d.stops[g]; !stopped {
				targets = append(targets, g)
			}
		}
	}
	if len(targets) == 0 {
		return nil, fmt.Errorf("pause: no running goroutine to pause (goroutine %d is not one the debugger knows: it pauses goroutines started while it is attached)", thread)
	}
	for _, g := range targets {
		d.pauseG[g] = true
	}
	d.pauseAny.Store(true)
	return nil, nil
}

// pauseNode returns the node of the pause function's statement (a *node),
// found once in the prelude's root (d.mu held; the caller holds the
// compile gate exclusively).
func (d *debugState) pauseNode() unsafe.Pointer {
	if d.pauseAt != nil {
		return d.pauseAt
	}
	roots, fset := interpRoots(d.s.i)
	if d.preludeRoot < 0 || d.preludeRoot >= roots.Len() {
		return nil
	}
	var visit func(n reflect.Value) bool
	visit = func(n reflect.Value) bool {
		if n.IsNil() {
			return false
		}
		if fset.Position(nodePos(n)).Line == pauseLine {
			if st := nodeStart(n); !st.IsNil() && fset.Position(nodePos(st)).Line == pauseLine {
				d.pauseAt = unsafe.Pointer(st.Pointer())
				return true
			}
		}
		kids := nodeChildren(n)
		for i := 0; i < kids.Len(); i++ {
			if visit(kids.Index(i)) {
				return true
			}
		}
		return false
	}
	visit(roots.Index(d.preludeRoot))
	return d.pauseAt
}
