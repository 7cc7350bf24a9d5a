package interp

// Mapping a Go fatal error's stack to cell lines. A fatal error (concurrent
// map writes, stack overflow, out of memory) ends the process before any
// code of ours can run, and its report shows only yaegi's Go frames. One of
// them, runCfg, is called with the first node of the interpreted function
// body it runs. TracePositions writes, before each statement chunk runs,
// the address and cell line of every function body compiled so far, so the
// process that reads the report afterwards can map those frames
// (CrashFrames).
//
// This reaches into yaegi v0.16.1's unexported Interpreter.roots, node.child,
// node.start and node.pos (read-only, with reflect) and the name of runCfg,
// through yaegiinternals.go; TestYaegiInternals and TestCrashFrames fail if
// they change.

import (
	"bufio"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"go/token"
)

// posTracer writes the positions of newly compiled function bodies.
type posTracer struct {
	s *Session

	mu      sync.Mutex
	w       *bufio.Writer
	done    int    // roots already walked
	curCell string // the cell id last written
}

// TracePositions makes the session write to w, before each statement chunk
// of a cell runs, one line per interpreted function body (and loop body)
// compiled since: "ADDR CELL LINE", the hex address of the body's first
// node, the session's cell number and the line in that cell ("ADDR CELL
// LINE top" for a chunk of top-level statements); and a line "cell CELL ID"
// when a chunk of another cell starts. CrashFrames reads it.
// Call it once, before the first Execute; w must stay valid.
func (s *Session) TracePositions(w io.Writer) error {
	t := &posTracer{s: s, w: bufio.NewWriter(w)}
	s.mu.Lock()
	s.tracer = t.record
	s.mu.Unlock()
	return nil
}

// record walks the roots compiled since the last call. It runs in the
// chunk's Begin hook, while the session still holds the compile gate: no
// compilation changes the nodes meanwhile.
func (t *posTracer) record() {
	t.mu.Lock()
	defer t.mu.Unlock()
	roots, fset := interpRoots(t.s.i)
	t.s.mu.Lock()
	c := t.s.cur
	t.s.mu.Unlock()
	if c != nil && c.id != t.curCell {
		t.curCell = c.id
		fmt.Fprintf(t.w, "cell %d %s\n", c.n%maxCellNum, c.id)
	}
	for ; t.done < roots.Len(); t.done++ {
		root := roots.Index(t.done)
		// A statement chunk starts with the Begin call, placed before the
		// chunk's line directive: the chunk's line is its first cell line.
		if start := nodeStart(root); !start.IsNil() {
			if line := firstCellLine(fset, root); line >= lineBase {
				fmt.Fprintf(t.w, "%x %d %d top\n", start.Pointer(), line/lineBase, line%lineBase)
			}
		}
		stack := []reflect.Value{root}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n.IsNil() {
				continue
			}
			kids := nodeChildren(n)
			if kids.Len() >= 4 { // a function (or loop) body is child 3
				if body := kids.Index(3); !body.IsNil() {
					t.emit(fset, nodeStart(body))
				}
			}
			for i := 0; i < kids.Len(); i++ {
				stack = append(stack, kids.Index(i))
			}
		}
	}
	_ = t.w.Flush()
}

// firstCellLine returns the first encoded cell line of n's subtree in
// source order (0 if none).
func firstCellLine(fset *token.FileSet, n reflect.Value) int {
	if n.IsNil() {
		return 0
	}
	if l := fset.Position(nodePos(n)).Line; l >= lineBase {
		return l
	}
	kids := nodeChildren(n)
	for i := 0; i < kids.Len(); i++ {
		if l := firstCellLine(fset, kids.Index(i)); l > 0 {
			return l
		}
	}
	return 0
}

// emit writes the position of node n (a *node value) if it is in a cell.
func (t *posTracer) emit(fset *token.FileSet, n reflect.Value) {
	if !n.IsValid() || n.IsNil() {
		return
	}
	p := fset.Position(nodePos(n))
	if p.Line < lineBase {
		return // not a cell's code (the standard library's generic sources)
	}
	fmt.Fprintf(t.w, "%x %d %d\n", n.Pointer(), p.Line/lineBase, p.Line%lineBase)
}

// A CrashFrame is interpreted code running on the failing goroutine of a
// crash: the function whose body starts at Line, or (TopLevel) the cell's
// top-level statements from Line on, of the cell CrashFrames was asked
// about (ThisCell) or of an earlier cell; Repeat times in a row (recursion).
type CrashFrame struct {
	Line     int
	ThisCell bool
	TopLevel bool
	Repeat   int
}

// CrashFrames maps the interpreted frames of the failing goroutine (the
// first in the report) of a Go crash report to cell lines, innermost first,
// using what TracePositions wrote (positions). cellID names the cell whose
// lines are ThisCell. It returns nil when no frame can be mapped.
func CrashFrames(report string, positions io.Reader, cellID string) []CrashFrame {
	type pos struct {
		cell, line int
		top        bool
	}
	at := map[uint64]pos{}
	cur := -1
	sc := bufio.NewScanner(positions)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "cell "); ok {
			n, id, _ := strings.Cut(rest, " ") // the id may hold spaces
			if id == cellID {
				cur, _ = strconv.Atoi(n)
			}
			continue
		}
		f := strings.Fields(sc.Text())
		if len(f) < 3 {
			continue
		}
		addr, err1 := strconv.ParseUint(f[0], 16, 64)
		n, err2 := strconv.Atoi(f[1])
		l, err3 := strconv.Atoi(f[2])
		if err1 == nil && err2 == nil && err3 == nil {
			at[addr] = pos{n, l, len(f) == 4 && f[3] == "top"}
		}
	}
	var out []CrashFrame
	inGoroutine := false
	for _, l := range strings.Split(report, "\n") {
		if strings.HasPrefix(l, "goroutine ") && strings.HasSuffix(l, ":") {
			if inGoroutine {
				break
			}
			inGoroutine = true
			continue
		}
		arg, ok := strings.CutPrefix(l, runCfgFrame)
		if !ok || !inGoroutine {
			continue
		}
		arg, _, _ = strings.Cut(arg, ",")
		arg = strings.TrimSuffix(strings.TrimPrefix(arg, "0x"), "?")
		addr, err := strconv.ParseUint(arg, 16, 64)
		if err != nil {
			continue
		}
		p, ok := at[addr]
		if !ok {
			continue
		}
		f := CrashFrame{Line: p.line, ThisCell: p.cell == cur, TopLevel: p.top, Repeat: 1}
		if n := len(out); n > 0 && out[n-1].Line == f.Line && out[n-1].ThisCell == f.ThisCell && out[n-1].TopLevel == f.TopLevel {
			out[n-1].Repeat++
			continue
		}
		out = append(out, f)
	}
	return out
}
