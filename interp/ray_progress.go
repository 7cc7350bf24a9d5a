package interp

import (
	"fmt"
	"html"

	"github.com/warren-go/warren/parallel"
)

// This file renders the ray runtime's progress reports (parallel.Progress)
// for a cell waiting in a long ray.GetAll or ray.Wait. It draws nothing
// itself for fast calls: the runtime reports only calls still waiting after
// its progress delay (ray.ProgressAfter, default 1 s; 0 turns it off).

// A DisplayUpdater is an Output that can show a display and update it in
// place (Jupyter's display_data with a transient display_id, then
// update_display_data). A cell whose Output implements it shows ray progress
// as one line updated in place; otherwise the progress goes to stderr as
// text lines (see Session.Progress).
type DisplayUpdater interface {
	DisplayID(id string, data, metadata map[string]any)
	UpdateDisplay(id string, data, metadata map[string]any)
}

// Text lines, which cannot be updated in place, start later than the
// display: at the wait's textFirst-th report (the runtime reports after its
// delay, then every 500 ms: about 2 s into the wait by default), then every
// textEvery-th (5 s), then the final report if a line was written.
const (
	textFirst = 3
	textEvery = 10
)

// Progress implements parallel.ProgressReporter: it shows p in the output of
// the waiting cell. With a DisplayUpdater output, the first report of a wait
// opens a display that later reports update and the final one completes;
// otherwise (warren run, the console, outputs without updates) text lines
// go to stderr for waits of about 2 s or more: one then, one every 5 s, and
// the final one.
func (s *Session) Progress(p parallel.Progress) {
	c := s.cellFor()
	if c == nil || c.out == nil {
		return
	}
	if u, ok := c.out.(DisplayUpdater); ok {
		id := fmt.Sprintf("ray-progress-%d", p.ID)
		data := progressBundle(p)
		if p.Seq == 1 {
			u.DisplayID(id, data, map[string]any{})
		} else {
			u.UpdateDisplay(id, data, map[string]any{})
		}
		return
	}
	if p.Final && p.Seq > textFirst || !p.Final && (p.Seq == textFirst || p.Seq%textEvery == 0) {
		c.out.Stream("stderr", p.String()+"\n")
	}
}

// progressBundle renders p as a MIME bundle: a progress bar and its line.
func progressBundle(p parallel.Progress) map[string]any {
	line := p.String()
	return map[string]any{
		"text/plain": line,
		"text/html": fmt.Sprintf(`<div><progress value="%d" max="%d" style="width:16em"></progress> <code>%s</code></div>`,
			p.Done, max(p.Total, 1), html.EscapeString(line)),
	}
}
