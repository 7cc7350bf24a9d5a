package interp

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// threadLog collects the thread events of a dapClient (other events are
// dropped).
type threadLog struct {
	started, exited map[int64]int // goroutine → number of events
	order           []string      // "started N" / "exited N"
}

// threadEvents reads c's events until done reports true of the log (or
// fails the test after 30 s).
func (c *dapClient) threadEvents(log *threadLog, done func(*threadLog) bool) {
	c.t.Helper()
	if log.started == nil {
		log.started, log.exited = map[int64]int{}, map[int64]int{}
	}
	timeout := time.After(30 * time.Second)
	for !done(log) {
		select {
		case ev := <-c.events:
			if ev["event"] != "thread" {
				continue
			}
			body := ev["body"].(map[string]any)
			g := int64(body["threadId"].(float64))
			switch body["reason"] {
			case "started":
				log.started[g]++
			case "exited":
				log.exited[g]++
			default:
				c.t.Fatalf("thread event %v", ev)
			}
			log.order = append(log.order, fmt.Sprintf("%s %d", body["reason"], g))
		case <-timeout:
			c.t.Fatalf("thread events so far %v", log.order)
		}
	}
}

// startedThread waits for the next thread started event and returns its
// goroutine.
func (c *dapClient) startedThread() int64 {
	c.t.Helper()
	var log threadLog
	c.threadEvents(&log, func(l *threadLog) bool { return len(l.started) > 0 })
	for g := range log.started {
		return g
	}
	return 0
}

// threadList is the threads request's answer: goroutine → name.
func (c *dapClient) threadList() map[int64]string {
	c.t.Helper()
	out := map[int64]string{}
	for _, th := range c.req("threads", nil)["threads"].([]any) {
		m := th.(map[string]any)
		out[int64(m["id"].(float64))] = m["name"].(string)
	}
	return out
}

// While a debugger is attached, the goroutine of each statement chunk of a
// cell is reported started and exited, and threads lists it while it runs.
// Detached, nothing is reported. (Goroutines of go statements and ray
// tasks: TestDebugThreadEvents, without -race.)
func TestDebugThreadsOfCells(t *testing.T) {
	s := newSession(t)
	c := newDAPClient(t, s)
	c.attach()
	run(t, s, "import \"time\"\nvar n int")
	var log threadLog
	// The declaration chunk's goroutine runs no statement: no thread.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res := runAsync(t, s, ctx, "n = 1\nfor {\n\ttime.Sleep(time.Millisecond)\n}")
	c.threadEvents(&log, func(l *threadLog) bool { return len(l.started) == 1 })
	var cellG int64
	for g := range log.started {
		cellG = g
	}
	if th := c.threadList(); len(th) != 1 || th[cellG] != fmt.Sprintf("goroutine %d (cell)", cellG) {
		t.Fatalf("threads %v, want the running cell's goroutine %d", th, cellG)
	}
	cancel()
	if r := <-res; r.err == nil || r.err.Name != "KeyboardInterrupt" {
		t.Fatalf("cell: %v", r.err)
	}
	c.threadEvents(&log, func(l *threadLog) bool { return l.exited[cellG] == 1 })
	if want := []string{fmt.Sprintf("started %d", cellG), fmt.Sprintf("exited %d", cellG)}; fmt.Sprint(log.order) != fmt.Sprint(want) {
		t.Fatalf("thread events %v, want %v", log.order, want)
	}
	if th := c.threadList(); len(th) != 0 {
		t.Fatalf("threads after the cell: %v", th)
	}
	c.req("disconnect", nil)
	run(t, s, "n = 2")
	select {
	case ev := <-c.events:
		if ev["event"] == "thread" {
			t.Fatalf("thread event while detached: %v", ev)
		}
	default:
	}
}
