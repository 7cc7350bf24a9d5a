package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/go-zeromq/zmq4"
)

// serve handles one request from sock between busy and idle statuses.
func (k *Kernel) serve(sock zmq4.Socket, msg *Message) {
	k.status("busy", msg)
	stop := k.dispatch(sock, msg)
	k.status("idle", msg)
	if stop {
		k.shutdown()
	}
}

// dispatch answers msg on sock. It reports whether the kernel must stop.
func (k *Kernel) dispatch(sock zmq4.Socket, msg *Message) (stop bool) {
	t := msg.Header.MsgType
	defer func() {
		if r := recover(); r != nil {
			k.logf("%s: handler panic: %v", t, r)
			if strings.HasSuffix(t, "_request") {
				k.reply(sock, msg, strings.TrimSuffix(t, "_request")+"_reply", map[string]any{
					"status": "error", "ename": "panic", "evalue": fmt.Sprint(r), "traceback": []string{},
				})
			}
		}
	}()
	switch t {
	case "kernel_info_request":
		k.reply(sock, msg, "kernel_info_reply", k.kernelInfo())
	case "execute_request":
		k.execute(sock, msg)
	case "complete_request":
		k.complete(sock, msg)
	case "inspect_request":
		k.inspect(sock, msg)
	case "is_complete_request":
		var req struct {
			Code string `json:"code"`
		}
		if k.decodeRequest(sock, msg, &req) {
			status, indent := k.cfg.Handler.IsComplete(req.Code)
			content := map[string]any{"status": status}
			if status == "incomplete" {
				content["indent"] = indent
			}
			k.reply(sock, msg, "is_complete_reply", content)
		}
	case "history_request":
		var req historyRequest
		if k.decodeRequest(sock, msg, &req) {
			k.reply(sock, msg, "history_reply", map[string]any{"status": "ok", "history": k.hist.query(req)})
		}
	case "comm_info_request":
		k.reply(sock, msg, "comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "comm_open":
		var req struct {
			CommID string `json:"comm_id"`
			Target string `json:"target_name"`
		}
		if k.decode(msg, &req) {
			k.logf("comm_open: unknown target %q; closing comm", req.Target)
			k.pub.publish("comm_close", msg, map[string]any{"comm_id": req.CommID, "data": map[string]any{}})
		}
	case "shutdown_request":
		var req struct {
			Restart bool `json:"restart"`
		}
		_ = k.decode(msg, &req)
		content := map[string]any{"status": "ok", "restart": req.Restart}
		k.reply(sock, msg, "shutdown_reply", content)
		k.pub.publish("shutdown_reply", msg, content)
		return true
	case "comm_msg", "comm_close":
		// No comm is ever open: nothing to answer.
	case "debug_request":
		k.debugRequest(sock, msg)
	case "interrupt_request":
		k.interrupt()
		k.reply(sock, msg, "interrupt_reply", map[string]any{"status": "ok"})
	default:
		k.logf("ignored message of unknown type %q", t)
	}
	return false
}

// decode unmarshals msg's content into v, logging failures.
func (k *Kernel) decode(msg *Message, v any) bool {
	if err := json.Unmarshal(msg.Content, v); err != nil {
		k.logf("%s: bad content: %v", msg.Header.MsgType, err)
		return false
	}
	return true
}

// kernelInfo is the content of kernel_info_reply.
func (k *Kernel) kernelInfo() map[string]any {
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	if i := strings.IndexAny(goVersion, " "); i >= 0 {
		goVersion = goVersion[:i]
	}
	banner := k.cfg.Banner
	if banner == "" {
		banner = fmt.Sprintf("warren %s: Go %s interpreted by yaegi", k.cfg.Version, goVersion)
	}
	_, debugger := k.cfg.Handler.(Debugger)
	return map[string]any{
		"status":                 "ok",
		"protocol_version":       ProtocolVersion,
		"implementation":         "warren",
		"implementation_version": k.cfg.Version,
		"language_info": map[string]any{
			"name":            "go",
			"version":         goVersion,
			"mimetype":        "text/x-go",
			"file_extension":  ".go",
			"pygments_lexer":  "go",
			"codemirror_mode": "go",
		},
		"banner":   banner,
		"debugger": debugger,
		"help_links": []map[string]string{
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
			{"text": "warren", "url": "https://github.com/warren-go/warren"},
		},
	}
}

// executeContent is the content of an execute_request. Pointers tell
// absent fields (which default to true) from false ones.
type executeContent struct {
	Code         string `json:"code"`
	Silent       bool   `json:"silent"`
	StoreHistory *bool  `json:"store_history"`
	AllowStdin   bool   `json:"allow_stdin"`
	StopOnError  *bool  `json:"stop_on_error"`
	// UserExpressions are evaluated after a cell that succeeded; their values
	// go back in the reply.
	UserExpressions map[string]string `json:"user_expressions"`
}

// execute runs one execute_request (on the exec worker).
func (k *Kernel) execute(sock zmq4.Socket, msg *Message) {
	var req executeContent
	if !k.decodeRequest(sock, msg, &req) {
		return
	}
	store := !req.Silent && (req.StoreHistory == nil || *req.StoreHistory)
	stopOnError := req.StopOnError == nil || *req.StopOnError

	ctx, cancel := context.WithCancel(k.ctx)
	defer cancel()
	k.mu.Lock()
	if store {
		k.execCount++
	}
	count := k.execCount
	k.cancelRun = cancel
	k.mu.Unlock()
	defer func() {
		k.mu.Lock()
		k.cancelRun = nil
		k.mu.Unlock()
	}()

	if !req.Silent {
		k.pub.publish("execute_input", msg, map[string]any{"code": req.Code, "execution_count": count})
	}
	out := k.newOutput(msg)
	out.allowStdin, out.ctx = req.AllowStdin, ctx
	res, err := k.callExecute(ctx, ExecuteRequest{
		Code:           req.Code,
		ExecutionCount: count,
		CellID:         msg.Header.MsgID,
		Silent:         req.Silent,
	}, out)

	if err != nil {
		var kerr *Error
		if !errors.As(err, &kerr) {
			kerr = &Error{Name: "Error", Value: err.Error()}
		}
		tb := kerr.Traceback
		if len(tb) == 0 {
			tb = []string{kerr.Name + ": " + kerr.Value}
		}
		content := map[string]any{"ename": kerr.Name, "evalue": kerr.Value, "traceback": tb}
		if req.Silent {
			out.flush()
		} else {
			out.publishAfterStreams("error", content)
		}
		if store {
			k.hist.add(count, req.Code, "")
		}
		content["status"] = "error"
		content["execution_count"] = count
		content["user_expressions"] = map[string]any{}
		content["payload"] = []any{}
		// Only requests queued before this reply are aborted: a client that
		// sends its next cell after seeing the error must get it run.
		queued := len(k.execQ)
		k.reply(sock, msg, "execute_reply", content)
		if stopOnError {
			k.abortQueued(sock, queued)
		}
		return
	}

	var plain string
	if res != nil && !req.Silent {
		out.publishAfterStreams("execute_result", map[string]any{
			"execution_count": count,
			"data":            nonNilMap(res.Data),
			"metadata":        nonNilMap(res.Metadata),
		})
		plain, _ = res.Data["text/plain"].(string)
	} else {
		out.flush()
	}
	if store {
		k.hist.add(count, req.Code, plain)
	}
	k.reply(sock, msg, "execute_reply", map[string]any{
		"status":           "ok",
		"execution_count":  count,
		"payload":          []any{},
		"user_expressions": k.userExpressions(ctx, msg.Header.MsgID, req.UserExpressions),
	})
}

// callExecute calls the Handler, turning a panic into an error.
func (k *Kernel) callExecute(ctx context.Context, req ExecuteRequest, out Output) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, &Error{Name: "panic", Value: fmt.Sprint(r)}
		}
	}()
	return k.cfg.Handler.Execute(ctx, req, out)
}

// abortQueued takes the first n requests queued behind a failed cell (those
// that arrived before its reply) and answers the execute requests among them
// with status "aborted" (stop_on_error); other requests are served normally.
func (k *Kernel) abortQueued(sock zmq4.Socket, n int) {
	for range n {
		select {
		case msg := <-k.execQ:
			if msg.Header.MsgType != "execute_request" {
				k.serve(sock, msg)
				continue
			}
			k.status("busy", msg)
			k.mu.Lock()
			count := k.execCount
			k.mu.Unlock()
			k.reply(sock, msg, "execute_reply", map[string]any{"status": "aborted", "execution_count": count})
			k.status("idle", msg)
		default:
			return
		}
	}
}

// complete answers complete_request, converting between the protocol's
// code-point cursor positions and the Handler's byte offsets.
func (k *Kernel) complete(sock zmq4.Socket, msg *Message) {
	var req struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	if !k.decodeRequest(sock, msg, &req) {
		return
	}
	cursor := len(req.Code)
	if req.CursorPos != nil {
		cursor = runeToByte(req.Code, *req.CursorPos)
	}
	c := k.cfg.Handler.Complete(req.Code, cursor)
	matches := c.Matches
	if matches == nil {
		matches = []string{}
	}
	start, end := c.Start, c.End
	if len(matches) == 0 && start == 0 && end == 0 {
		start, end = cursor, cursor
	}
	k.reply(sock, msg, "complete_reply", map[string]any{
		"status":       "ok",
		"matches":      matches,
		"cursor_start": byteToRune(req.Code, start),
		"cursor_end":   byteToRune(req.Code, end),
		"metadata":     map[string]any{},
	})
}

// inspect answers inspect_request.
func (k *Kernel) inspect(sock zmq4.Socket, msg *Message) {
	var req struct {
		Code        string `json:"code"`
		CursorPos   *int   `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if !k.decodeRequest(sock, msg, &req) {
		return
	}
	cursor := len(req.Code)
	if req.CursorPos != nil {
		cursor = runeToByte(req.Code, *req.CursorPos)
	}
	data, found := k.cfg.Handler.Inspect(req.Code, cursor, req.DetailLevel)
	if !found {
		data = nil
	}
	k.reply(sock, msg, "inspect_reply", map[string]any{
		"status":   "ok",
		"found":    found,
		"data":     nonNilMap(data),
		"metadata": map[string]any{},
	})
}
