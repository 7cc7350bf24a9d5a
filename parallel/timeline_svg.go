package parallel

import (
	"fmt"
	"html"
	"sort"
	"strings"
	"time"
)

// The timeline drawn as SVG, for notebooks.

// svgFontSize is the size of the chart's text, in viewBox units.
const svgFontSize = 11

// SVG renders the timeline as a standalone SVG Gantt chart: a 900-unit-wide
// viewBox, drawn at the full width of its container with its proportions
// kept, every label inside the viewBox.
func (v *TimelineView) SVG() string {
	const (
		width  = 900.0 // of the viewBox; the chart is scaled to its output's width
		left   = 80.0
		top    = 24.0
		rowH   = 22.0
		maxBar = 5000 // most recent bars drawn
	)
	const fontSize = svgFontSize
	evs := v.events
	if len(evs) > maxBar {
		evs = evs[len(evs)-maxBar:]
	}
	driver, notRun := false, false
	lay := layoutRows(evs)
	rows := lay.total()
	var t0, t1 time.Duration
	for i, e := range evs {
		switch {
		case e.driver:
			driver = true
		case e.kind == evNotRun:
			notRun = true
		}
		if i == 0 || e.start < t0 {
			t0 = e.start
		}
		t1 = max(t1, e.end)
	}
	drawn := max(rows, 1) // worker rows, then the driver's row and the not-run row if any
	if driver {
		drawn = rows + 1
	}
	notRunRow := drawn
	if notRun {
		drawn++
	}
	span := max(t1-t0, time.Microsecond)
	plotW := width - left - 10
	x := func(d time.Duration) float64 { return left + plotW*float64(d-t0)/float64(span) }
	height := top + rowH*float64(drawn) + 30
	var b strings.Builder
	// The chart is drawn in a width×height coordinate system (the viewBox)
	// and takes the width of its output area: JupyterLab shows image/svg+xml
	// as an <img> at the image's own size without shrinking it, so a fixed
	// width of 900 px was cut off at the output area's edge on a narrower
	// screen (the axis ended at "801.0m"). With a viewBox and width 100%,
	// front ends scale the whole chart to fit, keeping its proportions.
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="100%%" font-family="sans-serif" font-size="%d">`, width, height, fontSize)
	fmt.Fprintf(&b, `<text x="4" y="14" font-weight="bold">ray timeline: %d task executions, %d rows</text>`, v.Tasks, lay.workers)
	for i := range drawn {
		y := top + rowH*float64(i)
		label := fmt.Sprintf("worker %d", i)
		switch {
		case i >= lay.workers && i < rows:
			label = lay.labels[i-lay.workers]
			if r := []rune(label); len(r) > 13 {
				label = string(r[:12]) + "…"
			}
			label = fmt.Sprintf("%s<title>%s</title>", html.EscapeString(label), html.EscapeString(lay.labels[i-lay.workers]))
		case notRun && i == notRunRow:
			label = "not run"
		case driver && i == rows:
			label = "driver"
		}
		fmt.Fprintf(&b, `<text x="4" y="%.1f">%s</text><line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#eee"/>`,
			y+15, label, left, width-10, y+rowH, y+rowH)
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].kind < evs[j].kind })
	for _, e := range evs {
		y := top + rowH*float64(lay.of(&e))
		x0, x1 := x(e.start), x(e.end)
		w := max(x1-x0, 0.5)
		if e.kind == evNotRun {
			// A task that ended without running: a tick on its own row.
			y = top + rowH*float64(notRunRow)
			fill, why := "#d62728", "an input failed"
			if e.cancelled {
				fill, why = "#e8b530", "cancelled"
			}
			title := fmt.Sprintf("%s #%d (%s), cell %q: not run, %s", e.name, e.task, e.fn, e.group, why)
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.1f" width="2" height="%.1f" fill="%s"><title>%s</title></rect>`,
				x0-1, y+3, rowH-6, fill, html.EscapeString(title))
			continue
		}
		if e.driver {
			// The driver waiting: a grey bar labelled with the call.
			y = top + rowH*float64(rows)
			title := fmt.Sprintf("cell %q blocked in %s: %s", e.group, e.name, e.end-e.start)
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="#bbb"><title>%s</title></rect>`,
				x0, y+4, w, rowH-8, html.EscapeString(title))
			if w > 60 {
				fmt.Fprintf(&b, `<text x="%.2f" y="%.1f" fill="#333" pointer-events="none">%s</text>`, x0+3, y+15, html.EscapeString(fitLabel(e.name, w)))
			}
			continue
		}
		fill := palette[e.task%uint64(len(palette))]
		title := fmt.Sprintf("%s #%d (%s) attempt %d, cell %q: %s", e.name, e.task, e.fn, e.attempt, e.group, e.end-e.start)
		switch {
		case e.cancelled:
			fill = "#e8b530"
			title += " (cancelled)"
		case e.retried:
			fill = "#f28e8e"
			title += " (failed, retried)"
		case e.failed:
			fill = "#d62728"
			title += " (failed)"
		}
		if e.kind != evTask {
			fill = "#999"
			title = fmt.Sprintf("%s blocked in %s: %s", e.name, e.kind, e.end-e.start)
			fmt.Fprintf(&b, `<rect x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="%s" fill-opacity="0.6"><title>%s</title></rect>`,
				x0, y+rowH*0.55, w, rowH*0.3, fill, html.EscapeString(title))
			continue
		}
		fmt.Fprintf(&b, `<rect x="%.2f" y="%.1f" width="%.2f" height="%.1f" fill="%s" stroke="#333" stroke-width="0.3"><title>%s</title></rect>`,
			x0, y+2, w, rowH-4, fill, html.EscapeString(title))
		if w > 40 {
			fmt.Fprintf(&b, `<text x="%.2f" y="%.1f" fill="#fff" pointer-events="none">%s</text>`, x0+3, y+15, html.EscapeString(fitLabel(e.name, w)))
		}
	}
	axisY := top + rowH*float64(drawn) + 4
	fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#333"/>`, left, width-10, axisY, axisY)
	for i := 0; i <= 5; i++ {
		d := t0 + span*time.Duration(i)/5
		anchor := "middle" // the first and last labels stay inside the chart
		switch i {
		case 0:
			anchor = "start"
		case 5:
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`, x(d), axisY+14, anchor, html.EscapeString(fmtDur(d-t0)))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// fitLabel shortens a bar's label to what fits in a bar w units wide (at
// most 6.5 units a character: a sans-serif font at size 11), ending it with
// "…" when cut.
func fitLabel(label string, w float64) string {
	if n, r := int((w-6)/6.5), []rune(label); len(r) > n {
		return string(r[:max(n-1, 1)]) + "…"
	}
	return label
}

var palette = []string{"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"}

func fmtDur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2fs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0fµs", float64(d)/float64(time.Microsecond))
}
