package parallel

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// TestTimelineNotRun: tasks cancelled while queued and tasks whose input
// failed appear in the timeline as instant marks on a "tasks not run" row.
func TestTimelineNotRun(t *testing.T) {
	rt := newRT(t, NumCPUs(1))
	g := make(gate)
	defer g.open()
	block := rt.Remote(func() { <-g })
	bad := rt.Remote(func() int { panic("boom") }).Options(TaskName("bad"))
	use := rt.Remote(func(x int) int { return x }).Options(TaskName("use"))
	queued := rt.Remote(func() int { return 1 }).Options(TaskName("queued"))
	rb := block.Remote()
	rq := queued.Remote()
	Cancel(rq) // never ran
	g.open()
	Get(rb)
	ru := use.Remote(bad.Remote())
	if _, err := GetContext(t.Context(), ru); err == nil {
		t.Fatal("use did not fail")
	}
	eventually(t, "two not-run marks", func() bool {
		v, _ := rt.Timeline("")
		return v.NotRun == 2
	})
	v, _ := rt.Timeline("")
	wantContains(t, v.String(), "2 tasks not run")
	wantContains(t, v.SVG(), ">not run<", "queued #", "not run, cancelled", "use #", "not run, an input failed")

	var buf bytes.Buffer
	if err := rt.WriteTimeline(&buf); err != nil {
		t.Fatal(err)
	}
	var trace struct {
		TraceEvents []chromeEvent `json:"traceEvents"`
	}
	if err := json.Unmarshal(buf.Bytes(), &trace); err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	rowNamed := false
	for _, e := range trace.TraceEvents {
		if e.Ph == "i" {
			if e.Tid == nil || *e.Tid != notRunTid {
				t.Errorf("instant event %s not on the not-run row", e.Name)
			}
			reasons[e.Name], _ = e.Args["reason"].(string)
		}
		if e.Ph == "M" && e.Name == "thread_name" && e.Args["name"] == "tasks not run" {
			rowNamed = true
		}
	}
	if reasons["queued"] != "cancelled" || reasons["use"] != "input failed" || !rowNamed {
		t.Fatalf("not-run events %v (row named %v)", reasons, rowNamed)
	}
	for _, e := range trace.TraceEvents {
		if e.Ph == "X" && strings.HasPrefix(e.Name, "queued") {
			t.Fatal("a task that never ran has a bar")
		}
	}
}
