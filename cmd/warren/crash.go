package main

// Reading a Go fatal error report (what the runtime writes to the crash
// output when it dies of "concurrent map writes", "stack overflow", "out of
// memory" or an unrecovered panic in compiled code) into a cell error.

import (
	"fmt"
	"strings"

	"github.com/warren-go/warren/interp"
)

// stateLost is the last line of every FatalError.
const stateLost = "The Go session's state was lost: a fresh session was started, so variables, functions and imports of earlier cells are gone. Re-run the cells this one needs."

// maxShownFrames bounds the Go frames a FatalError lists.
const maxShownFrames = 12

// fatalReport turns a session process's death into the error shown under
// the cell: report is the runtime's crash report (the fatal error's first
// lines from the process's stderr, then the crash file; possibly empty),
// death how the process ended (exec's error text, e.g. "exit status 2" or
// "signal: killed"), frames the interpreted functions on the failing
// goroutine (interp.CrashFrames) and code the cell's code ("" if unknown).
func fatalReport(report, death string, frames []interp.CrashFrame, code string) *interp.Error {
	e := &interp.Error{Name: "FatalError"}
	lines := strings.Split(strings.ReplaceAll(report, "\r\n", "\n"), "\n")
	fatal, limit := "", ""
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "fatal error: "):
			fatal = strings.TrimPrefix(l, "fatal error: ") // the last one is this death's
		case strings.HasPrefix(l, "panic: "):
			fatal = l // a panic no recover caught
		case strings.HasPrefix(l, "runtime: goroutine stack exceeds "):
			limit = strings.TrimPrefix(l, "runtime: ")
		}
	}
	if fatal == "" {
		e.Value = "the Go session process ended (" + death + ")"
		e.Traceback = []string{"FatalError: " + e.Value}
		if strings.Contains(death, "killed") {
			e.Traceback = append(e.Traceback, "  it was killed from outside, e.g. by the system's out-of-memory killer")
		}
		e.Traceback = append(e.Traceback, stateLost)
		return e
	}
	e.Value = fatal
	e.Traceback = []string{"FatalError: " + fatal}
	if limit != "" {
		e.Traceback = append(e.Traceback, "  ("+limit+")")
	}
	id, goFrames := failingGoroutine(lines)
	if where := goroutineRole(goFrames); where != "" {
		e.Traceback = append(e.Traceback, "  "+where+fmt.Sprintf(" (goroutine %s)", id))
	} else if n := len(goFrames); n > 0 && strings.HasPrefix(goFrames[n-1], "created by ") {
		e.Traceback = append(e.Traceback, fmt.Sprintf("  in goroutine %s, %s (a goroutine of the Go library, not of a go statement)", id, goFrames[n-1]))
	} else if id != "" {
		e.Traceback = append(e.Traceback, "  in goroutine "+id)
	}
	if len(frames) > 0 {
		e.Traceback = append(e.Traceback, "  interpreted code it was running, innermost first:")
		e.Traceback = append(e.Traceback, interpretedFrames(frames, code)...)
		e.Traceback = append(e.Traceback, "  (the failing line itself is not known: Go's report shows only the interpreter's frames)")
	} else {
		e.Traceback = append(e.Traceback, "  the failing line is not known: interpreted code has no Go stack frames of its own (the frames below are the interpreter's)")
	}
	if hint := fatalHint(fatal); hint != "" {
		e.Traceback = append(e.Traceback, hint)
	}
	if code != "" {
		e.Traceback = append(e.Traceback, causeLines(code, fatal)...)
	}
	if shown := shownFrames(goFrames); len(shown) > 0 {
		e.Traceback = append(e.Traceback, goStackHeading+", innermost first:")
		e.Traceback = append(e.Traceback, shown...)
	}
	e.Traceback = append(e.Traceback, stateLost)
	return e
}

// maxInterpretedFrames bounds the interpreted frames a FatalError lists.
const maxInterpretedFrames = 10

// interpretedFrames formats frames, with the source line when it is in code.
func interpretedFrames(frames []interp.CrashFrame, code string) []string {
	src := strings.Split(code, "\n")
	var out []string
	for i, f := range frames {
		if i == maxInterpretedFrames {
			out = append(out, fmt.Sprintf("    … and %d more", len(frames)-i))
			break
		}
		l := "    function body from line "
		if f.TopLevel {
			l = "    top-level statements from line "
		}
		l += fmt.Sprint(f.Line)
		if !f.ThisCell {
			l += " of an earlier cell"
		} else if code != "" && f.Line >= 1 && f.Line <= len(src) {
			l += " | " + strings.TrimSpace(src[f.Line-1])
		}
		if f.Repeat > 1 {
			l += fmt.Sprintf("   (%d calls in a row shown)", f.Repeat)
		}
		out = append(out, l)
	}
	return out
}

// goStackHeading introduces the Go frames of a FatalError.
const goStackHeading = "Go stack of the failing goroutine"

// failingGoroutine returns the id and function names (innermost first) of
// the first goroutine in a crash report: the one that failed.
func failingGoroutine(lines []string) (id string, frames []string) {
	in := false
	for _, l := range lines {
		if !in {
			if rest, ok := strings.CutPrefix(l, "goroutine "); ok && strings.HasSuffix(l, ":") {
				id, _, _ = strings.Cut(rest, " ")
				in = true
			}
			continue
		}
		if l == "" {
			break
		}
		if strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "...") {
			continue
		}
		fn := l
		if strings.HasPrefix(fn, "created by ") {
			fn, _, _ = strings.Cut(fn, " in goroutine ")
		} else if i := strings.LastIndexByte(fn, '('); i > 0 {
			fn = fn[:i]
		}
		frames = append(frames, fn)
	}
	return id, frames
}

// goroutineRole says what kind of goroutine failed, from its frames.
func goroutineRole(frames []string) string {
	for _, f := range frames {
		switch {
		case strings.Contains(f, "interp.(*Session).goStmt"),
			strings.HasPrefix(f, "created by github.com/traefik/yaegi/interp.call"): // yaegi's own go statement
			return "in a goroutine started by a go statement of a cell"
		case strings.Contains(f, "warren/parallel."):
			return "in a ray task"
		case strings.Contains(f, "interp.(*Session).Execute"), strings.Contains(f, "interp.(*Session).eval"):
			return "in the cell's own code"
		}
	}
	return ""
}

// fatalHint explains a fatal error a cell can cause.
func fatalHint(fatal string) string {
	switch {
	case strings.Contains(fatal, "concurrent map"):
		return "Go maps are not safe for concurrent use: guard the map with a sync.Mutex, use sync.Map, or let each goroutine or task return its part and combine the parts in one place."
	case strings.Contains(fatal, "stack overflow"):
		return fmt.Sprintf("A function called itself without end, or recursion went too deep: a goroutine may use %d MB of stack here, and interpreted calls need far more stack than compiled ones.", maxStack>>20)
	case strings.Contains(fatal, "out of memory"):
		return "The cell asked for more memory than the machine could give (e.g. a make with a huge length)."
	case strings.HasPrefix(fatal, "panic: "):
		return "A panic in a function that the Go library runs on a goroutine of its own (time.AfterFunc, a callback) ends a Go program: recover inside that function to keep the session."
	}
	return ""
}

// shownFrames keeps the frames a user can relate to: runs of runtime and
// interpreter frames are collapsed into one line each.
func shownFrames(frames []string) []string {
	var out []string
	kindOf := func(f string) string {
		switch {
		case strings.HasPrefix(f, "github.com/traefik/yaegi/"):
			return "the interpreter (yaegi)"
		case strings.HasPrefix(f, "runtime."), strings.HasPrefix(f, "internal/"), strings.HasPrefix(f, "reflect."):
			return "the Go runtime and reflect"
		}
		return ""
	}
	for i := 0; i < len(frames) && len(out) < maxShownFrames; {
		k := kindOf(frames[i])
		if k == "" {
			out = append(out, "  "+frames[i])
			i++
			continue
		}
		j := i
		for j < len(frames) && kindOf(frames[j]) == k {
			j++
		}
		if j-i == 1 {
			out = append(out, "  "+frames[i])
		} else {
			out = append(out, fmt.Sprintf("  %s … (%d frames in %s)", frames[i], j-i, k))
		}
		i = j
	}
	return out
}
