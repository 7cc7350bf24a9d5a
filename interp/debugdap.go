package interp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// The debug requests JupyterLab sends (Jupyter messaging, "Debug request"):
// DAP requests, plus Jupyter's dumpCell, debugInfo and inspectVariables.
// See debug.go for how the session runs under the debugger.

// hashSeed is the Murmur2 seed of cell source paths (debugInfo's hashSeed;
// the value ipykernel uses, so front ends that assume it agree).
const hashSeed = 0xC70F6907

// dapRequest is the part of a DAP request the adapter reads.
type dapRequest struct {
	Seq       int             `json:"seq"`
	Command   string          `json:"command"`
	Arguments json.RawMessage `json:"arguments"`
}

// dapArgs holds the arguments of every request served (each reads its own).
type dapArgs struct {
	Code   string `json:"code"`
	Source struct {
		Path string `json:"path"`
	} `json:"source"`
	Breakpoints []struct {
		Line int `json:"line"`
	} `json:"breakpoints"`
	ThreadID           int64  `json:"threadId"`
	SingleThread       bool   `json:"singleThread"`
	FrameID            int    `json:"frameId"`
	VariablesReference int    `json:"variablesReference"`
	Expression         string `json:"expression"`
	StartFrame         int    `json:"startFrame"`
	Levels             int    `json:"levels"`
}

// DebugRequest answers one debug_request: request is its content (a DAP
// request as JSON), the result the debug_reply's content (a DAP
// response). Events go to the function given to SetDebugEvents. Safe to
// call while a cell runs or is stopped; it never waits for a cell.
func (s *Session) DebugRequest(request []byte) []byte {
	var req dapRequest
	if err := json.Unmarshal(request, &req); err != nil {
		return mustJSON(map[string]any{"type": "response", "request_seq": 0, "success": false, "command": "", "message": "bad debug request: " + err.Error()})
	}
	var args dapArgs
	if len(req.Arguments) > 0 {
		if err := json.Unmarshal(req.Arguments, &args); err != nil {
			return s.dbg.response(req, nil, fmt.Errorf("bad arguments: %w", err))
		}
	}
	body, err := s.dbg.serve(req.Command, args)
	return s.dbg.response(req, body, err)
}

// response is the DAP response to req.
func (d *debugState) response(req dapRequest, body map[string]any, err error) []byte {
	d.mu.Lock()
	d.seq++
	r := map[string]any{"seq": d.seq, "type": "response", "request_seq": req.Seq, "command": req.Command, "success": err == nil}
	d.mu.Unlock()
	if err != nil {
		r["message"] = err.Error()
		body = map[string]any{"error": map[string]any{"id": 1, "format": err.Error()}}
	}
	if body == nil {
		body = map[string]any{}
	}
	r["body"] = body
	return mustJSON(r)
}

// serve answers one request.
func (d *debugState) serve(command string, a dapArgs) (map[string]any, error) {
	switch command {
	case "initialize":
		return map[string]any{
			"supportsConfigurationDoneRequest": true,
			"supportsEvaluateForHovers":        true,
			"supportsSetVariable":              false,
			"supportsConditionalBreakpoints":   false,
			"supportsFunctionBreakpoints":      false,
			"supportsStepBack":                 false,
			"supportsTerminateRequest":         false,
			"exceptionBreakpointFilters":       []any{},
		}, nil
	case "attach":
		if err := d.mkdir(); err != nil {
			return nil, fmt.Errorf("attach: %w", err)
		}
		d.mu.Lock()
		d.setAttachedLocked(true)
		d.mu.Unlock()
		d.event("initialized", map[string]any{})
		return nil, nil
	case "configurationDone", "setExceptionBreakpoints":
		return nil, nil
	case "disconnect":
		d.mu.Lock()
		d.setAttachedLocked(false)
		d.bps = map[string][]int{}
		d.dirty = true
		d.mu.Unlock()
		d.resumeAll()
		d.event("terminated", map[string]any{})
		return nil, nil
	case "debugInfo":
		return d.info(), nil
	case "dumpCell":
		path := d.cellPath(a.Code)
		if err := d.mkdir(); err == nil {
			_ = os.WriteFile(path, []byte(a.Code), 0o600) // for tools that read the file; the adapter keeps the code
		}
		d.mu.Lock()
		d.sources[path] = a.Code
		d.mu.Unlock()
		return map[string]any{"sourcePath": path}, nil
	case "setBreakpoints":
		lines := make([]int, 0, len(a.Breakpoints))
		out := make([]map[string]any, 0, len(a.Breakpoints))
		d.mu.Lock()
		for _, b := range a.Breakpoints {
			lines = append(lines, b.Line)
			d.nextBP++
			out = append(out, map[string]any{"verified": true, "id": d.nextBP, "line": b.Line, "source": map[string]any{"path": a.Source.Path}})
		}
		if len(lines) == 0 {
			delete(d.bps, a.Source.Path)
		} else {
			d.bps[a.Source.Path] = lines
		}
		d.dirty = true
		d.mu.Unlock()
		return map[string]any{"breakpoints": out}, nil
	case "source":
		d.mu.Lock()
		code, ok := d.sources[a.Source.Path]
		d.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("source unavailable")
		}
		return map[string]any{"content": code}, nil
	case "threads":
		return map[string]any{"threads": d.threads()}, nil
	case "stackTrace":
		return d.stackTrace(a)
	case "scopes":
		return d.scopes(a.FrameID)
	case "variables":
		return d.variables(a.VariablesReference)
	case "inspectVariables":
		return d.inspectVariables(), nil
	case "evaluate":
		return d.evaluate(a)
	case "continue":
		if !a.SingleThread {
			// DAP: continue resumes every thread unless singleThread is
			// set (JupyterLab 4.6 sends thread 1 once the stopped thread
			// left its list, whatever the stopped goroutine's id).
			d.resumeAll()
			return map[string]any{"allThreadsContinued": true}, nil
		}
		return d.resume(command, a.ThreadID)
	case "next", "stepIn", "stepOut":
		return d.resume(command, a.ThreadID)
	case "pause":
		return d.pause(a.ThreadID)
	case "modules":
		return map[string]any{"modules": []any{}, "totalModules": 0}, nil
	}
	return nil, fmt.Errorf("%s is not supported by warren's debugger", command)
}

// mkdir makes the directory of the cells' source files.
func (d *debugState) mkdir() error {
	if _, err := os.Stat(d.dir); err == nil {
		return nil
	}
	if err := os.MkdirAll(d.dir, 0o700); err != nil {
		return err
	}
	d.mu.Lock()
	d.madeDir = true
	d.mu.Unlock()
	return nil
}

// info is debugInfo's body.
func (d *debugState) info() map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	paths := make([]string, 0, len(d.bps))
	for p := range d.bps {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	bps := []map[string]any{}
	for _, p := range paths {
		var lines []map[string]any
		for _, l := range d.bps[p] {
			lines = append(lines, map[string]any{"line": l})
		}
		bps = append(bps, map[string]any{"source": p, "breakpoints": lines})
	}
	stopped := []int64{}
	for g := range d.stops {
		stopped = append(stopped, g)
	}
	sort.Slice(stopped, func(i, j int) bool { return stopped[i] < stopped[j] })
	return map[string]any{
		"isStarted":      d.attached,
		"hashMethod":     "Murmur2",
		"hashSeed":       hashSeed,
		"tmpFilePrefix":  d.dir + string(filepath.Separator),
		"tmpFileSuffix":  ".go",
		"breakpoints":    bps,
		"stoppedThreads": stopped,
		"richRendering":  false,
		"exceptionPaths": []string{},
	}
}

// cellPath is the source path of a cell's code, as the front end computes
// it from debugInfo: prefix + Murmur2(code, seed) + suffix.
func (d *debugState) cellPath(code string) string {
	return d.dir + string(filepath.Separator) + strconv.FormatUint(uint64(murmur2([]byte(code), hashSeed)), 10) + ".go"
}

// murmur2 is Austin Appleby's MurmurHash2 (32 bits, little-endian blocks)
// of data, the hash Jupyter front ends use for cell paths.
func murmur2(data []byte, seed uint32) uint32 {
	const m = 0x5BD1E995
	h := seed ^ uint32(len(data))
	i := 0
	for ; i+4 <= len(data); i += 4 {
		k := uint32(data[i]) | uint32(data[i+1])<<8 | uint32(data[i+2])<<16 | uint32(data[i+3])<<24
		k *= m
		k ^= k >> 24
		k *= m
		h = h*m ^ k
	}
	switch len(data) - i {
	case 3:
		h ^= uint32(data[i+2]) << 16
		fallthrough
	case 2:
		h ^= uint32(data[i+1]) << 8
		fallthrough
	case 1:
		h ^= uint32(data[i])
		h *= m
	}
	h ^= h >> 13
	h *= m
	h ^= h >> 15
	return h
}

func (d *debugState) stackTrace(a dapArgs) (map[string]any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	st := d.stops[a.ThreadID]
	if st == nil {
		return nil, fmt.Errorf("goroutine %d is not stopped", a.ThreadID)
	}
	frames := []map[string]any{}
	for i, f := range st.frames {
		if i < a.StartFrame || (a.Levels > 0 && len(frames) >= a.Levels) {
			continue
		}
		sf := map[string]any{"id": f.id, "name": f.name, "line": f.line, "column": f.col}
		if f.path != "" {
			sf["source"] = map[string]any{"name": filepath.Base(f.path), "path": f.path}
		} else if f.cellN > 0 {
			sf["source"] = map[string]any{"name": fmt.Sprintf("cell[%d]", f.cellN)}
		}
		frames = append(frames, sf)
	}
	return map[string]any{"stackFrames": frames, "totalFrames": len(st.frames)}, nil
}

// varRef is what a variablesReference lists: the locals of a frame, the
// globals, or the children of a value.
type varRef struct {
	vars    []namedValue // locals, or nil
	globals bool
	value   *namedValue // children of this value
}

// ref registers r and returns its variablesReference (d.mu held).
func (d *debugState) ref(r varRef) int {
	if len(d.refs) >= maxVarRefs {
		d.refs = d.refs[:0]
	}
	d.refs = append(d.refs, r)
	return len(d.refs)
}

// maxVarRefs bounds the variable references kept.
const maxVarRefs = 100000

func (d *debugState) scopes(frameID int) (map[string]any, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	f := d.frames[frameID]
	if f == nil {
		return nil, fmt.Errorf("no frame %d", frameID)
	}
	var scopes []map[string]any
	if f.top {
		scopes = append(scopes, map[string]any{"name": "Locals", "presentationHint": "locals", "variablesReference": d.ref(varRef{globals: true}), "expensive": false})
	} else {
		scopes = append(scopes,
			map[string]any{"name": "Locals", "presentationHint": "locals", "variablesReference": d.ref(varRef{vars: f.locals}), "expensive": false},
			map[string]any{"name": "Globals", "variablesReference": d.ref(varRef{globals: true}), "expensive": false})
	}
	return map[string]any{"scopes": scopes}, nil
}

func (d *debugState) variables(ref int) (map[string]any, error) {
	d.mu.Lock()
	if ref < 1 || ref > len(d.refs) {
		d.mu.Unlock()
		return nil, fmt.Errorf("no variables reference %d", ref)
	}
	r := d.refs[ref-1]
	d.mu.Unlock()
	var vars []namedValue
	switch {
	case r.globals:
		vars = d.s.globals()
	case r.value != nil:
		vars = children(r.value.v)
	default:
		vars = r.vars
	}
	return map[string]any{"variables": d.render(vars)}, nil
}

// render is the DAP variables of vars; values with children get a
// reference.
func (d *debugState) render(vars []namedValue) []map[string]any {
	out := make([]map[string]any, 0, len(vars))
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, nv := range vars {
		v := map[string]any{"name": nv.name, "value": formatValue(nv.v), "type": typeString(nv.v), "evaluateName": nv.name, "variablesReference": 0}
		if hasChildren(nv.v) {
			nv := nv
			v["variablesReference"] = d.ref(varRef{value: &nv})
		}
		out = append(out, v)
	}
	return out
}

// inspectVariables lists the globals of the session (when no cell runs).
func (d *debugState) inspectVariables() map[string]any {
	if !d.s.evalMu.TryLock() {
		return map[string]any{"variables": []any{}}
	}
	vars := d.s.globals()
	d.s.evalMu.Unlock()
	return map[string]any{"variables": d.render(vars)}
}

// evaluate answers a variable name (or name.field…) in the frame's scope.
func (d *debugState) evaluate(a dapArgs) (map[string]any, error) {
	expr := strings.TrimSpace(a.Expression)
	parts := strings.Split(expr, ".")
	d.mu.Lock()
	f := d.frames[a.FrameID]
	d.mu.Unlock()
	var scope []namedValue
	if f != nil {
		scope = f.locals
	}
	scope = append(scope, d.s.globals()...)
	for _, nv := range scope {
		if nv.name != parts[0] {
			continue
		}
		cur := nv
		for _, p := range parts[1:] {
			found := false
			for _, c := range children(cur.v) {
				if c.name == p {
					cur, found = c, true
					break
				}
			}
			if !found {
				return nil, fmt.Errorf("%s has no field %s", cur.name, p)
			}
		}
		vs := d.render([]namedValue{cur})
		return map[string]any{"result": vs[0]["value"], "type": vs[0]["type"], "variablesReference": vs[0]["variablesReference"]}, nil
	}
	return nil, fmt.Errorf("cannot evaluate %q: the debugger evaluates variable names (and fields, with dots) of the stopped frame and of cells", expr)
}

// resume answers continue and the steps.
func (d *debugState) resume(command string, thread int64) (map[string]any, error) {
	mode := debugRun
	switch command {
	case "next":
		mode = stepOver
	case "stepIn":
		mode = stepInto
	case "stepOut":
		mode = stepOut
	}
	d.mu.Lock()
	st := d.stops[thread]
	d.mu.Unlock()
	if st == nil {
		return nil, fmt.Errorf("goroutine %d is not stopped", thread)
	}
	select {
	case st.cmd <- mode:
	default: // already resuming
	}
	if command == "continue" {
		return map[string]any{"allThreadsContinued": false}, nil
	}
	return nil, nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"type": "response", "success": false, "message": err.Error()})
	}
	return b
}
