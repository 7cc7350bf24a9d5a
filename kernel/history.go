package kernel

import (
	"path"
	"strings"
	"sync"
)

// historyEntry is one stored cell.
type historyEntry struct {
	line   int
	input  string
	output string // text/plain of the execute_result, if any
}

// history records this kernel's executed cells (those run with
// store_history) for history_request. Session number is always 1: history
// does not persist across kernel processes.
type history struct {
	mu      sync.Mutex
	entries []historyEntry
}

// historySession is the session number reported in history replies.
const historySession = 1

// historyRequest is the content of a history_request.
type historyRequest struct {
	Output         bool   `json:"output"`
	Raw            bool   `json:"raw"`
	HistAccessType string `json:"hist_access_type"`
	Session        int    `json:"session"`
	Start          int    `json:"start"`
	Stop           int    `json:"stop"`
	N              int    `json:"n"`
	Pattern        string `json:"pattern"`
	Unique         bool   `json:"unique"`
}

// add records a cell run as execution count line.
func (h *history) add(line int, input, output string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.entries = append(h.entries, historyEntry{line: line, input: input, output: output})
}

// query answers a history_request with [session, line, input] triples, or
// [session, line, [input, output]] when req.Output is set.
func (h *history) query(req historyRequest) [][]any {
	h.mu.Lock()
	entries := append([]historyEntry(nil), h.entries...)
	h.mu.Unlock()

	var sel []historyEntry
	switch req.HistAccessType {
	case "tail":
		sel = tail(entries, req.N)
	case "range":
		if req.Session != 0 && req.Session != historySession && req.Session != -1 {
			break // other sessions are not stored
		}
		for _, e := range entries {
			if e.line >= req.Start && (req.Stop <= 0 || e.line < req.Stop) {
				sel = append(sel, e)
			}
		}
	case "search":
		sel = search(entries, req.Pattern, req.Unique)
		if req.N > 0 {
			sel = tail(sel, req.N)
		}
	}
	out := make([][]any, 0, len(sel))
	for _, e := range sel {
		if req.Output {
			out = append(out, []any{historySession, e.line, []any{e.input, e.output}})
		} else {
			out = append(out, []any{historySession, e.line, e.input})
		}
	}
	return out
}

// tail returns the last n entries (all of them when n <= 0).
func tail(entries []historyEntry, n int) []historyEntry {
	if n <= 0 || n >= len(entries) {
		return entries
	}
	return entries[len(entries)-n:]
}

// search returns the entries whose input matches the glob pattern (as in
// IPython, the pattern is matched against the whole input; "*" and "?"
// wildcards, an empty pattern matches everything). With unique, only the
// latest of identical inputs is kept.
func search(entries []historyEntry, pattern string, unique bool) []historyEntry {
	if pattern == "" {
		pattern = "*"
	}
	var sel []historyEntry
	for _, e := range entries {
		if globMatch(pattern, e.input) {
			sel = append(sel, e)
		}
	}
	if !unique {
		return sel
	}
	seen := map[string]bool{}
	var out []historyEntry
	for i := len(sel) - 1; i >= 0; i-- {
		if seen[sel[i].input] {
			continue
		}
		seen[sel[i].input] = true
		out = append(out, sel[i])
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// globMatch matches s against a shell glob like SQLite's GLOB, which IPython
// uses: "*" also crosses "/" (path.Match's "*" does not, so slashes are
// mapped to NUL on both sides first).
func globMatch(pattern, s string) bool {
	const slash = "\x00"
	p := strings.ReplaceAll(pattern, "/", slash)
	t := strings.ReplaceAll(s, "/", slash)
	ok, err := path.Match(p, t)
	return err == nil && ok
}
