package kernel

import (
	"context"
	"errors"
	"sort"
)

// userExpressions evaluates the user_expressions of an execute_request whose
// cell succeeded, each as a silent cell of its own whose output is dropped,
// and returns their replies by name: {status: ok, data, metadata} with the
// value's MIME bundle, or {status: error, ename, evalue, traceback}.
func (k *Kernel) userExpressions(ctx context.Context, msgID string, exprs map[string]string) map[string]any {
	out := map[string]any{}
	names := make([]string, 0, len(exprs))
	for n := range exprs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		res, err := k.callExecute(ctx, ExecuteRequest{Code: exprs[n], CellID: msgID + "/user_expressions/" + n, Silent: true}, discard{})
		if err != nil {
			var kerr *Error
			if !errors.As(err, &kerr) {
				kerr = &Error{Name: "Error", Value: err.Error()}
			}
			tb := kerr.Traceback
			if len(tb) == 0 {
				tb = []string{kerr.Name + ": " + kerr.Value}
			}
			out[n] = map[string]any{"status": "error", "ename": kerr.Name, "evalue": kerr.Value, "traceback": tb}
			continue
		}
		data := map[string]any{}
		var md map[string]any
		if res != nil {
			data, md = nonNilMap(res.Data), res.Metadata
		}
		out[n] = map[string]any{"status": "ok", "data": data, "metadata": nonNilMap(md)}
	}
	return out
}

// discard is an Output that drops everything.
type discard struct{}

func (discard) Stream(string, string)                                {}
func (discard) Display(map[string]any, map[string]any)               {}
func (discard) DisplayID(string, map[string]any, map[string]any)     {}
func (discard) UpdateDisplay(string, map[string]any, map[string]any) {}
func (discard) ClearOutput(bool)                                     {}
