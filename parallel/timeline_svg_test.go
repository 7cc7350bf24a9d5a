package parallel

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
)

// svgShape is a <text> or <rect> of a chart, in viewBox units.
type svgShape struct {
	kind       string // "text" or "rect"
	x0, x1     float64
	y0, y1     float64
	text       string
	fontWeight string
}

// svgChart is what a test needs of an SVG chart: its root's size attributes
// and every text and rect, with the horizontal extent of each text
// estimated from its characters.
type svgChart struct {
	viewBox       [4]float64
	width, height string
	shapes        []svgShape
}

// charWidth estimates the advance of r in a sans-serif font, in units of
// the font size. DejaVu Sans and Liberation Sans (Debian's and most Linux
// desktops' sans-serif) are at most this wide: digits 0.64, capitals up to
// 0.77 (0.7 on average), lower case up to 0.63 for most.
func charWidth(r rune) float64 {
	switch {
	case r == ' ':
		return 0.32
	case unicode.IsDigit(r):
		return 0.64
	case r == 'm' || r == 'w':
		return 0.98
	case unicode.IsUpper(r):
		return 0.75
	case unicode.IsLower(r):
		return 0.62
	case r == '…':
		return 1.0
	case r == 'µ':
		return 0.64
	}
	return 0.5 // punctuation: . , : # ( ) are narrower
}

func textWidth(s string, size float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		w += charWidth(r)
	}
	if bold {
		w *= 1.1
	}
	return w * size
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("number %q: %v", s, err)
	}
	return f
}

// parseChart reads the chart's geometry. Text is placed by x and
// text-anchor; its box is the baseline y minus the font size to y plus a
// quarter of it (descenders).
func parseChart(t *testing.T, svg string) svgChart {
	t.Helper()
	var c svgChart
	size := 0.0
	d := xml.NewDecoder(strings.NewReader(svg))
	var open *svgShape
	var openAnchor string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("SVG does not parse: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "svg":
				f := strings.Fields(attr(tok, "viewBox"))
				if len(f) != 4 {
					t.Fatalf("svg viewBox = %q, want four numbers", attr(tok, "viewBox"))
				}
				for i := range f {
					c.viewBox[i] = num(t, f[i])
				}
				c.width, c.height = attr(tok, "width"), attr(tok, "height")
				size = num(t, attr(tok, "font-size"))
			case "text":
				open = &svgShape{kind: "text", fontWeight: attr(tok, "font-weight")}
				x, y := num(t, attr(tok, "x")), num(t, attr(tok, "y"))
				open.x0, open.y0, open.y1 = x, y-size, y+size/4
				openAnchor = attr(tok, "text-anchor")
			case "rect":
				x, y := num(t, attr(tok, "x")), num(t, attr(tok, "y"))
				c.shapes = append(c.shapes, svgShape{kind: "rect", x0: x, x1: x + num(t, attr(tok, "width")), y0: y, y1: y + num(t, attr(tok, "height"))})
			}
		case xml.CharData:
			if open != nil {
				open.text += string(tok)
			}
		case xml.EndElement:
			if tok.Name.Local == "text" && open != nil {
				w := textWidth(open.text, size, open.fontWeight == "bold")
				x := open.x0
				switch openAnchor {
				case "middle":
					open.x0, open.x1 = x-w/2, x+w/2
				case "end":
					open.x0, open.x1 = x-w, x
				default:
					open.x1 = x + w
				}
				c.shapes = append(c.shapes, *open)
				open = nil
			}
		}
	}
	return c
}

// checkChart fails t unless the chart scales to its container (a viewBox
// and a relative width, no fixed height) and every text and rect lies inside
// the viewBox. It returns the texts.
func checkChart(t *testing.T, name, svg string) []string {
	t.Helper()
	c := parseChart(t, svg)
	if c.width != "100%" || c.height != "" {
		t.Errorf("%s: svg width=%q height=%q, want width 100%% and no height, so that front ends scale the chart to the output's width", name, c.width, c.height)
	}
	minX, minY, w, h := c.viewBox[0], c.viewBox[1], c.viewBox[2], c.viewBox[3]
	var texts []string
	for _, s := range c.shapes {
		if s.kind == "text" {
			texts = append(texts, s.text)
		}
		if s.x0 < minX || s.x1 > minX+w || s.y0 < minY || s.y1 > minY+h {
			t.Errorf("%s: %s %q spans x %.1f..%.1f, y %.1f..%.1f: outside the viewBox %v", name, s.kind, s.text, s.x0, s.x1, s.y0, s.y1, c.viewBox)
		}
	}
	return texts
}

// view builds a timeline of the given events.
func view(evs ...event) *TimelineView {
	v := &TimelineView{events: evs}
	for _, e := range evs {
		if !e.driver && e.kind == evTask {
			v.Tasks++
		}
	}
	return v
}

func TestTimelineSVGFitsItsViewBox(t *testing.T) {
	s := time.Second
	ms := time.Millisecond
	ex1 := view(
		event{kind: evTask, lane: 0, start: 2 * ms, end: 1002 * ms, task: 1, name: "slowFunction"},
		event{kind: evTask, lane: 1, start: 2 * ms, end: 1002 * ms, task: 2, name: "slowFunction"},
		event{kind: evTask, lane: 2, start: 3 * ms, end: 1003 * ms, task: 3, name: "slowFunction"},
		event{kind: evTask, lane: 3, start: 3 * ms, end: 1003 * ms, task: 4, name: "slowFunction"},
		event{kind: evTask, driver: true, start: 0, end: 1003 * ms, name: "GetAll of 4 refs"},
	)
	texts := checkChart(t, "exercise 1", ex1.SVG())
	// The axis: five labels after the start, the last the whole span.
	if got := strings.Join(texts[len(texts)-6:], " "); got != "0µs 200.6ms 401.2ms 601.8ms 802.4ms 1.00s" {
		t.Errorf("axis labels %q", got)
	}

	// Wide labels in the worst places: a long name on a bar ending at the
	// right edge, the driver's label on a short bar there, twelve rows, a
	// row of tasks that never ran, and a long span.
	var evs []event
	for i := range 12 {
		evs = append(evs, event{kind: evTask, lane: i, start: time.Duration(i) * s, end: 100 * s, task: uint64(i + 1),
			name: "computeTheGradientOfTheModelAtStepWithAVeryLongName"})
	}
	evs = append(evs,
		event{kind: evTask, driver: true, start: 92500 * ms, end: 100 * s, name: "GetAll of 1200 refs"},
		event{kind: evNotRun, start: 100 * s, end: 100 * s, task: 99, name: "queued", cancelled: true},
		event{kind: evGet, lane: 3, start: 50 * s, end: 99 * s, task: 4, name: "computeTheGradient"},
	)
	texts = checkChart(t, "twelve rows", view(evs...).SVG())
	if got := texts[len(texts)-1]; got != "100.00s" {
		t.Errorf("last axis label %q, want 100.00s", got)
	}
	for _, want := range []string{"worker 11", "driver", "not run"} {
		if !strings.Contains(strings.Join(texts, "|"), want) {
			t.Errorf("no row label %q in %q", want, texts)
		}
	}

	// Tiny spans and no events at all.
	checkChart(t, "one microsecond", view(event{kind: evTask, start: 0, end: time.Microsecond, task: 1, name: "f"}).SVG())
	checkChart(t, "empty", view().SVG())
}

func TestFitLabel(t *testing.T) {
	for _, c := range []struct {
		label string
		w     float64
		want  string
	}{
		{"slowFunction", 600, "slowFunction"},
		{"slowFunction", 60, "slowFun…"},
		{"slowFunction", 41, "slow…"},
		{"f", 41, "f"},
	} {
		if got := fitLabel(c.label, c.w); got != c.want {
			t.Errorf("fitLabel(%q, %v) = %q, want %q", c.label, c.w, got, c.want)
		}
	}
}
