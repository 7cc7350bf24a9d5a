package parallel

import (
	"context"
	"fmt"
	"sort"
	"sync/atomic"
	"time"
)

// Progress of long waits. A GetAll or Wait of the driver (code outside any
// task: a notebook cell, a program's main code) that has not finished after
// the runtime's progress delay (ProgressAfter, default 1 s) reports its
// progress to the host, if the host implements ProgressReporter, every
// progressInterval until it ends, and once more when it ends. Fast calls,
// calls inside tasks and single-ref Gets report nothing.

// defaultProgressAfter is how long a wait runs before its first report.
const defaultProgressAfter = time.Second

// progressInterval is the time between reports of one wait.
const progressInterval = 500 * time.Millisecond

// ProgressAfter sets how long a GetAll or Wait of the driver waits before it
// reports progress to a host implementing ProgressReporter (default 1 s);
// d <= 0 turns progress reports off. Given to Init on a running runtime, it
// takes effect for later calls.
func ProgressAfter(d time.Duration) Option {
	return func(c *config) { c.progress, c.progressSet = d, true }
}

// A ProgressReporter is a Host that shows the progress of long waits, for
// example as a line a notebook updates in place. Progress is called on the
// waiting goroutine; it should return quickly.
type ProgressReporter interface {
	Progress(p Progress)
}

// Progress is one report on a long GetAll or Wait.
type Progress struct {
	ID      uint64        // identifies the wait: the same in all its reports
	Seq     int           // 1 for the wait's first report, then 2, 3, ...
	Call    string        // "GetAll" or "Wait"
	Group   string        // Host.Group() when the wait began (the cell)
	Total   int           // refs the call waits for (for Wait, numReturns)
	Done    int           // of them, finished (successfully or not)
	Failed  int           // of Done, failed
	Elapsed time.Duration // since the call began
	Pending []string      // names of unfinished tasks with counts, most common first, at most 3 ("f ×12")
	Final   bool          // the call has ended: the last report of ID
}

// String formats p as one line: "ray.GetAll: 120/400 done, 2 failed, 3.0s (f ×280)".
func (p Progress) String() string {
	s := fmt.Sprintf("ray.%s: %d/%d done", p.Call, p.Done, p.Total)
	if p.Failed > 0 {
		s += fmt.Sprintf(", %d failed", p.Failed)
	}
	s += ", " + fmtDur(p.Elapsed.Round(100*time.Millisecond))
	if len(p.Pending) > 0 && !p.Final {
		s += " (waiting for"
		for i, n := range p.Pending {
			if i > 0 {
				s += ","
			}
			s += " " + n
		}
		s += ")"
	}
	return s
}

var progressIDs atomic.Uint64

// progress describes a wait that may report progress.
type progress struct {
	call  string
	refs  []ObjectRef // the refs of the call
	total int         // Progress.Total
}

// snapshot counts the finished refs and names the unfinished tasks.
func (pr *progress) snapshot() (done, failed int, pending []string) {
	counts := map[string]int{}
	for _, r := range pr.refs {
		o := r.o
		if o.ready.Load() {
			done++
			if o.err != nil {
				failed++
			}
		} else if o.producer != nil {
			counts[o.producer.f.name]++
		}
	}
	done = min(done, pr.total)
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if counts[names[i]] != counts[names[j]] {
			return counts[names[i]] > counts[names[j]]
		}
		return names[i] < names[j]
	})
	for _, n := range names[:min(len(names), 3)] {
		pending = append(pending, fmt.Sprintf("%s ×%d", n, counts[n]))
	}
	return done, failed, pending
}

// waitReporting is the driver's wait when rt's host reports progress: like
// a plain wait, plus reports after rt's progress delay.
func waitReporting(ctx context.Context, ready <-chan struct{}, rt *Runtime, rep ProgressReporter, pr *progress, after time.Duration) error {
	begin := time.Now()
	timer := time.NewTimer(after)
	defer timer.Stop()
	group := ""
	if h := rt.currentHost(); h != nil {
		group = h.Group()
	}
	var id uint64
	seq := 0
	report := func(final bool) {
		done, failed, pending := pr.snapshot()
		seq++
		rep.Progress(Progress{ID: id, Seq: seq, Call: pr.call, Group: group, Total: pr.total, Done: done, Failed: failed,
			Elapsed: time.Since(begin), Pending: pending, Final: final})
	}
	defer func() {
		if id != 0 {
			report(true)
		}
	}()
	for {
		select {
		case <-ready:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
			if id == 0 {
				id = progressIDs.Add(1)
			}
			report(false)
			timer.Reset(progressInterval)
		}
	}
}

// reporter returns rt's progress reporter and delay, if progress is on.
func (rt *Runtime) reporter() (ProgressReporter, time.Duration) {
	after := time.Duration(rt.progressAfter.Load())
	if after <= 0 {
		return nil, 0
	}
	rep, _ := rt.currentHost().(ProgressReporter)
	return rep, after
}
