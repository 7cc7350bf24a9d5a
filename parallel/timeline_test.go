package parallel

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type chromeEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat"`
	Ph   string         `json:"ph"`
	Pid  *int           `json:"pid"`
	Tid  *int           `json:"tid"`
	Ts   *float64       `json:"ts"`
	Dur  *float64       `json:"dur"`
	Args map[string]any `json:"args"`
}

func TestTimelineChromeTrace(t *testing.T) {
	rt := newRT(t, NumCPUs(4))
	rt.SetHost(newFakeHost(t, "cell-7"))
	g := make(gate)
	var c concurrency
	slow := rt.Remote(func(i int) int { c.enter(i); defer c.exit(); <-g; return i }).Options(TaskName("slow_function"))
	var refs []ObjectRef
	for i := range 4 {
		refs = append(refs, slow.Remote(i))
	}
	eventually(t, "4 tasks running together", func() bool { cur, _, _ := c.snapshot(); return cur == 4 })
	g.open()
	GetAll(refs...)
	g2 := make(gate)
	inner := rt.Remote(func() int { <-g2; return 9 }).Options(TaskName("inner"))
	nested := rt.Remote(func() int { return Get(inner.Remote()).(int) }).Options(TaskName("outer"))
	ref := nested.Remote()
	// outer gave back its CPU while blocked; only inner holds one.
	eventually(t, "outer blocked in Get", func() bool { return rt.AvailableResources()["CPU"] == 3 })
	// Open inner's gate only once the driver is (very likely) blocked in Get,
	// so the driver records a second wait; were it late, Get would find the
	// ref ready and record nothing (seen once under heavy load).
	go func() { time.Sleep(100 * time.Millisecond); g2.open() }()
	Get(ref)

	file := filepath.Join(t.TempDir(), "exercise_1.json")
	view, err := rt.Timeline(file)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var trace struct {
		TraceEvents []chromeEvent `json:"traceEvents"`
	}
	if err := json.Unmarshal(data, &trace); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	var tasks, driver []chromeEvent
	meta := map[string]int{}
	blocked := 0
	for _, e := range trace.TraceEvents {
		if e.Pid == nil || e.Tid == nil {
			t.Fatalf("event without pid/tid: %+v", e)
		}
		switch {
		case e.Ph == "M":
			meta[e.Name]++
			if _, ok := e.Args["name"]; !ok && e.Name != "thread_sort_index" {
				t.Errorf("metadata without name: %+v", e)
			}
		case e.Ph == "X" && *e.Pid == driverPid:
			driver = append(driver, e)
		case e.Ph == "X" && e.Cat == "task":
			tasks = append(tasks, e)
		case e.Ph == "X" && e.Cat == "get":
			blocked++
		}
	}
	// The runtime's workers and the driver (this test's goroutine) are two
	// named processes.
	if meta["process_name"] != 2 || meta["thread_name"] < 5 {
		t.Fatalf("metadata events %v", meta)
	}
	// The driver blocked twice: in GetAll of the four tasks, then in Get.
	if len(driver) != 2 || driver[0].Name != "GetAll of 4 refs" || driver[1].Name != "Get" ||
		driver[0].Cat != "get" || driver[0].Args["cell"] != "cell-7" || *driver[0].Dur <= 0 {
		t.Fatalf("driver events %+v", driver)
	}

	if len(tasks) != 6 || blocked != 1 || view.Tasks != 6 {
		t.Fatalf("%d task events, %d blocked events, view %d tasks", len(tasks), blocked, view.Tasks)
	}
	tids := map[int]bool{}
	for _, e := range tasks[:4] {
		if e.Name != "slow_function" || e.Ts == nil || e.Dur == nil || *e.Dur < 0 {
			t.Fatalf("bad task event %+v", e)
		}
		for _, k := range []string{"task_id", "function", "attempt", "cell"} {
			if _, ok := e.Args[k]; !ok {
				t.Fatalf("args lack %s: %v", k, e.Args)
			}
		}
		if e.Args["cell"] != "cell-7" {
			t.Fatalf("cell = %v", e.Args["cell"])
		}
		tids[*e.Tid] = true
	}
	if len(tids) != 4 {
		t.Fatalf("4 concurrent tasks on %d rows", len(tids))
	}
	// No two task events on one row overlap.
	for i, a := range tasks {
		for _, b := range tasks[i+1:] {
			if *a.Tid == *b.Tid && *a.Ts < *b.Ts+*b.Dur && *b.Ts < *a.Ts+*a.Dur {
				t.Fatalf("overlapping tasks on row %d: %+v %+v", *a.Tid, a, b)
			}
		}
	}

	bundle := view.MIMEBundle()
	svg, _ := bundle["image/svg+xml"].(string)
	if err := parseXML(svg); err != nil {
		t.Fatalf("SVG is not XML: %v\n%s", err, svg)
	}
	// The workers' rows, and a driver row for the test's own waiting.
	wantContains(t, svg, "<svg", "slow_function", "<rect", "<title>", ">worker 3<", ">driver<", "GetAll of 4 refs")
	// The axis runs below the last row (the driver's): 24 top + 5 rows of 22 + 4.
	wantContains(t, svg, `y1="138.0" y2="138.0" stroke="#333"`)
	wantContains(t, bundle["text/plain"].(string), "6 task executions", file)
}

func parseXML(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestTimelineBoundedAndDisabled(t *testing.T) {
	rt := newRT(t, TraceCapacity(10))
	f := rt.Remote(func() {})
	for range 50 {
		Get(f.Remote())
	}
	evs := rt.trace.snapshot()
	if len(evs) != 10 {
		t.Fatalf("ring holds %d events, want 10", len(evs))
	}
	var last uint64
	for _, e := range evs {
		if e.driver { // the test blocking in Get
			continue
		}
		if e.task < last {
			t.Fatal("ring not in order")
		}
		last = e.task
	}
	off := newRT(t, TraceCapacity(0))
	Get(off.Remote(func() {}).Remote())
	v, err := off.Timeline("")
	if err != nil || v.Tasks != 0 {
		t.Fatalf("disabled tracing: %v %v", v, err)
	}
	if err := parseXML(v.SVG()); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.Timeline(filepath.Join(t.TempDir(), "no", "such", "dir.json")); err == nil {
		t.Fatal("no error writing into a missing directory")
	}
}

func TestTimelineDefaultRuntime(t *testing.T) {
	Shutdown()
	t.Cleanup(Shutdown)
	Get(Remote(func() {}).Remote())
	file := filepath.Join(t.TempDir(), "t.json")
	if v := Timeline(file); v.Tasks != 1 {
		t.Fatalf("tasks = %d", v.Tasks)
	}
	mustPanic(t, func() { Timeline(filepath.Join(file, "sub")) })
}
