package parallel

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type eventKind uint8

const (
	evTask   eventKind = iota // one execution of a task
	evGet                     // a task blocked in Get or GetAll
	evWait                    // a task blocked in Wait
	evNotRun                  // a task that ended without running: cancelled while queued, or an input failed
)

func (k eventKind) String() string {
	switch k {
	case evGet:
		return "get"
	case evWait:
		return "wait"
	case evNotRun:
		return "not run"
	}
	return "task"
}

type event struct {
	kind       eventKind
	failed     bool
	retried    bool // a failed attempt that was run again
	cancelled  bool // the task was cancelled; for a running task the bar ends when its code returned
	driver     bool // time the driver (code outside tasks) was blocked; lane unused
	lane       int
	attempt    int
	start, end time.Duration // since the runtime started
	task       uint64
	name, fn   string
	group      string
	actor      uint64 // the actor of a constructor or call (lane is its slot), else 0
	actorLabel string
	pid        int    // the worker process of a task run on a cluster (lane is its slot there), else 0
	proc       string // that worker's label
}

// event completes e with t's identity: its id, names, group and actor.
func (t *task) event(e event) event {
	e.task, e.name, e.fn, e.group = t.id, t.f.name, t.f.fname, t.group
	if t.act != nil {
		e.actor, e.actorLabel = t.act.id, t.act.label
	}
	return e
}

// rows lays out the rows of a timeline: the worker rows (lanes 0..workers-1),
// then one row per actor and slot, actors in order of creation.
type rows struct {
	workers int
	actor   map[actorSlot]int // row of an actor's slot or a cluster worker's slot, from workers on
	labels  []string          // labels of the actor rows
}

// actorSlot names the row of an actor's slot (id: the actor) or of a
// cluster worker's slot (pid: the worker process).
type actorSlot struct {
	id   uint64
	pid  int
	slot int
}

// slotOf returns the row key of an event on an actor or cluster worker row.
func slotOf(e *event) actorSlot {
	if e.pid != 0 {
		return actorSlot{pid: e.pid, slot: e.lane}
	}
	return actorSlot{id: e.actor, slot: e.lane}
}

func layoutRows(evs []event) rows {
	r := rows{actor: map[actorSlot]int{}}
	var slots []actorSlot
	labels := map[actorSlot]string{}
	for _, e := range evs {
		switch {
		case e.driver || e.kind == evNotRun:
		case e.actor != 0 || e.pid != 0:
			k := slotOf(&e)
			if _, ok := labels[k]; !ok {
				labels[k] = e.actorLabel
				if e.pid != 0 {
					labels[k] = "worker#" + e.proc
				}
				slots = append(slots, k)
			}
		default:
			r.workers = max(r.workers, e.lane+1)
		}
	}
	sort.Slice(slots, func(i, j int) bool {
		if slots[i].pid != slots[j].pid {
			return slots[i].pid < slots[j].pid
		}
		if slots[i].id != slots[j].id {
			return slots[i].id < slots[j].id
		}
		return slots[i].slot < slots[j].slot
	})
	for i, k := range slots {
		r.actor[k] = r.workers + i
		l := labels[k]
		switch {
		case strings.HasPrefix(l, "worker#"):
			l = "worker " + l[len("worker#"):]
		case !strings.HasPrefix(l, "actor#"):
			l = "actor " + l
		}
		if k.slot > 0 {
			l += fmt.Sprintf(" (%d)", k.slot+1)
		}
		r.labels = append(r.labels, l)
	}
	return r
}

// total returns the number of worker and actor rows.
func (r rows) total() int { return r.workers + len(r.labels) }

// of returns the row of e, an event on a worker or actor row.
func (r rows) of(e *event) int {
	if e.actor != 0 || e.pid != 0 {
		return r.actor[slotOf(e)]
	}
	return e.lane
}

// tracer keeps the most recent events in a ring buffer made of fixed-size
// chunks allocated as it fills, so recording never copies old events.
// Its capacity can change while the runtime runs (Init(TraceCapacity(n)));
// capacity 0 records nothing.
type tracer struct {
	enabled atomic.Bool // max > 0: read without the lock to skip clock reads
	mu      sync.Mutex
	max     int
	chunks  [][]event
	n       int // events recorded so far
}

const chunkSize = 4096

func newTracer(capacity int) *tracer {
	tr := &tracer{max: capacity}
	tr.enabled.Store(capacity > 0)
	return tr
}

// on reports whether events are recorded.
func (tr *tracer) on() bool { return tr.enabled.Load() }

// setCapacity changes the capacity to n, keeping the most recent events
// that fit.
func (tr *tracer) setCapacity(n int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	evs := tr.snapshotLocked()
	evs = evs[max(len(evs)-n, 0):]
	tr.max, tr.chunks, tr.n = n, nil, 0
	tr.enabled.Store(n > 0)
	for _, e := range evs {
		tr.addLocked(e)
	}
}

func (tr *tracer) add(e event) {
	tr.mu.Lock()
	if tr.max > 0 {
		tr.addLocked(e)
	}
	tr.mu.Unlock()
}

func (tr *tracer) addLocked(e event) {
	i := tr.n % tr.max
	c := i / chunkSize
	if c == len(tr.chunks) {
		tr.chunks = append(tr.chunks, make([]event, min(chunkSize, tr.max-c*chunkSize)))
	}
	tr.chunks[c][i%chunkSize] = e
	tr.n++
}

// snapshot returns the events oldest first.
func (tr *tracer) snapshot() []event {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.snapshotLocked()
}

func (tr *tracer) snapshotLocked() []event {
	if tr.max == 0 {
		return nil
	}
	count := min(tr.n, tr.max)
	out := make([]event, 0, count)
	first := 0
	if tr.n > tr.max {
		first = tr.n % tr.max
	}
	for k := range count {
		i := (first + k) % tr.max
		out = append(out, tr.chunks[i/chunkSize][i%chunkSize])
	}
	return out
}

// A TimelineView is the result of Timeline: it renders inline in a notebook
// as a Gantt chart of the traced tasks (one row per timeline row, one bar per
// task execution, blocked time hatched).
type TimelineView struct {
	Filename string // the file written, "" if none
	Tasks    int    // number of task executions in the timeline
	NotRun   int    // number of tasks that ended without running (cancelled while queued, or an input failed)
	Rows     int    // number of worker rows (the most tasks started and unfinished at once)
	Actors   int    // number of actor rows: one per actor, more for calls running at once (MaxConcurrency)
	events   []event
}

// MIMEBundle returns the chart as "image/svg+xml" and a summary as "text/plain".
func (v *TimelineView) MIMEBundle() map[string]any {
	return map[string]any{"image/svg+xml": v.SVG(), "text/plain": v.String()}
}

// String summarises the timeline.
func (v *TimelineView) String() string {
	s := fmt.Sprintf("Timeline: %d task executions on %d rows", v.Tasks, v.Rows)
	switch v.Actors {
	case 0:
	case 1:
		s += " and 1 actor row"
	default:
		s += fmt.Sprintf(" and %d actor rows", v.Actors)
	}
	if v.NotRun > 0 {
		s += fmt.Sprintf(", %d tasks not run", v.NotRun)
	}
	if v.Filename != "" {
		s += "; Chrome trace written to " + v.Filename + " (open in chrome://tracing or ui.perfetto.dev)"
	}
	return s
}

// Timeline writes the default runtime's trace to filename as Chrome trace
// JSON (open it in chrome://tracing or Perfetto) and returns a view of it
// that renders as a Gantt chart in a notebook. With filename "" no file is
// written. Timeline panics with the error if the file cannot be written.
func Timeline(filename string) *TimelineView {
	v, err := Default().Timeline(filename)
	if err != nil {
		panic(err)
	}
	return v
}

// Timeline is like the package-level Timeline, returning an error.
func (rt *Runtime) Timeline(filename string) (*TimelineView, error) {
	evs := rt.trace.snapshot()
	v := &TimelineView{Filename: filename, events: evs}
	for _, e := range evs {
		switch {
		case e.kind == evTask:
			v.Tasks++
		case e.kind == evNotRun:
			v.NotRun++
		}
	}
	r := layoutRows(evs)
	v.Rows, v.Actors = r.workers, len(r.labels)
	if filename == "" {
		return v, nil
	}
	f, err := os.Create(filename)
	if err != nil {
		return nil, fmt.Errorf("ray: timeline: %w", err)
	}
	if err := writeTrace(f, evs); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("ray: timeline %s: %w", filename, err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("ray: timeline %s: %w", filename, err)
	}
	return v, nil
}

// WriteTimeline writes rt's trace as Chrome trace JSON to w.
func (rt *Runtime) WriteTimeline(w io.Writer) error {
	return writeTrace(w, rt.trace.snapshot())
}

type traceEvent struct {
	Name string         `json:"name"`
	Cat  string         `json:"cat,omitempty"`
	Ph   string         `json:"ph"`
	Pid  int            `json:"pid"`
	Tid  int            `json:"tid"`
	Ts   float64        `json:"ts"`
	Dur  *float64       `json:"dur,omitempty"`
	S    string         `json:"s,omitempty"`
	Cn   string         `json:"cname,omitempty"`
	Args map[string]any `json:"args,omitempty"`
}

// Trace processes: the runtime's workers, and the driver (code outside tasks:
// notebook cells, a program's main goroutine) on a single row.
const (
	tracePid  = 1
	driverPid = 2
	notRunTid = 1 << 20 // the row of tasks not run, after the workers
)

// traceDriver records that code outside any task was blocked in Get, GetAll
// or Wait (described by what) from begin until now.
func (rt *Runtime) traceDriver(kind eventKind, what string, begin time.Duration) {
	group := ""
	if h := rt.currentHost(); h != nil {
		group = h.Group()
	}
	rt.trace.add(event{kind: kind, driver: true, start: begin, end: rt.since(), name: what, group: group})
}

func writeTrace(w io.Writer, evs []event) error {
	out := []traceEvent{{Name: "process_name", Ph: "M", Pid: tracePid, Args: map[string]any{"name": "ray runtime"}}}
	driver, notRun := false, false
	for _, e := range evs {
		switch {
		case e.driver:
			driver = true
		case e.kind == evNotRun:
			notRun = true
		}
	}
	lay := layoutRows(evs)
	rows := lay.workers
	if notRun {
		out = append(out,
			traceEvent{Name: "thread_name", Ph: "M", Pid: tracePid, Tid: notRunTid, Args: map[string]any{"name": "tasks not run"}},
			traceEvent{Name: "thread_sort_index", Ph: "M", Pid: tracePid, Tid: notRunTid, Args: map[string]any{"sort_index": notRunTid}})
	}
	for i := range rows {
		out = append(out,
			traceEvent{Name: "thread_name", Ph: "M", Pid: tracePid, Tid: i, Args: map[string]any{"name": fmt.Sprintf("worker %d", i)}},
			traceEvent{Name: "thread_sort_index", Ph: "M", Pid: tracePid, Tid: i, Args: map[string]any{"sort_index": i}})
	}
	procs := map[int]bool{}
	keys := make([]actorSlot, len(lay.actor))
	for k, row := range lay.actor {
		keys[row-rows] = k
	}
	for i, k := range keys {
		row, l := rows+i, lay.labels[i]
		if k.pid == 0 {
			out = append(out,
				traceEvent{Name: "thread_name", Ph: "M", Pid: tracePid, Tid: row, Args: map[string]any{"name": l}},
				traceEvent{Name: "thread_sort_index", Ph: "M", Pid: tracePid, Tid: row, Args: map[string]any{"sort_index": row}})
			continue
		}
		// A cluster worker is a process of its own in the trace.
		if !procs[k.pid] {
			procs[k.pid] = true
			out = append(out, traceEvent{Name: "process_name", Ph: "M", Pid: k.pid, Args: map[string]any{"name": strings.TrimSuffix(l, fmt.Sprintf(" (%d)", k.slot+1))}})
		}
		out = append(out,
			traceEvent{Name: "thread_name", Ph: "M", Pid: k.pid, Tid: k.slot, Args: map[string]any{"name": fmt.Sprintf("slot %d", k.slot)}},
			traceEvent{Name: "thread_sort_index", Ph: "M", Pid: k.pid, Tid: k.slot, Args: map[string]any{"sort_index": k.slot}})
	}
	if driver {
		out = append(out,
			traceEvent{Name: "process_name", Ph: "M", Pid: driverPid, Args: map[string]any{"name": "driver"}},
			traceEvent{Name: "thread_name", Ph: "M", Pid: driverPid, Args: map[string]any{"name": "cells and main code"}})
	}
	for _, e := range evs {
		dur := us(e.end - e.start)
		if e.driver {
			out = append(out, traceEvent{Name: e.name, Cat: e.kind.String(), Ph: "X", Pid: driverPid, Ts: us(e.start), Dur: &dur,
				Cn: "grey", Args: map[string]any{"cell": e.group}})
			continue
		}
		te := traceEvent{Name: e.name, Cat: e.kind.String(), Ph: "X", Pid: tracePid, Tid: lay.of(&e), Ts: us(e.start), Dur: &dur,
			Args: map[string]any{"task_id": e.task, "function": e.fn, "attempt": e.attempt, "cell": e.group}}
		if e.actor != 0 {
			te.Args["actor"] = e.actorLabel
		}
		if e.pid != 0 {
			te.Pid, te.Tid = e.pid, e.lane
			te.Args["worker"] = e.proc
		}
		if e.kind == evNotRun { // an instant mark on its own row
			te.Ph, te.S, te.Dur, te.Tid = "i", "t", nil, notRunTid
			te.Args["reason"] = "input failed"
			te.Cn = "terrible"
			if e.cancelled {
				te.Args["reason"] = "cancelled"
				te.Cn = "yellow"
			}
			out = append(out, te)
			continue
		}
		switch {
		case e.kind != evTask:
			te.Name = e.kind.String() + " (" + e.name + ")"
			te.Cn = "grey"
		case e.cancelled:
			te.Cn = "yellow"
			te.Args["cancelled"] = true
		case e.failed:
			te.Cn = "terrible"
			te.Args["failed"] = true
			if e.retried {
				te.Cn = "bad"
				te.Args["retried"] = true
			}
		default:
			te.Cn = "good"
		}
		out = append(out, te)
	}
	enc := json.NewEncoder(w)
	return enc.Encode(map[string]any{"traceEvents": out, "displayTimeUnit": "ms"})
}

func us(d time.Duration) float64 { return float64(d) / float64(time.Microsecond) }
