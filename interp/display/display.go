// Package display builds rich outputs for notebook cells. Cells import it as
// "display". Every value returned here has a MIMEBundle method: as the last
// expression of a cell it is rendered with those MIME types, and Show sends it
// as display_data while the cell runs.
//
// The package exists because reflection cannot see methods of types declared
// in cells (yaegi #947): a cell type with a MIMEBundle method is not rendered,
// but a cell can return display.HTML(s) instead.
package display

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
)

// A Bundler is a value that renders itself as a MIME bundle
// (MIME type → data), such as the values returned by this package.
type Bundler interface {
	MIMEBundle() map[string]any
}

// Bundle is a ready-made MIME bundle. It is a Bundler itself.
type Bundle map[string]any

// MIMEBundle returns b.
func (b Bundle) MIMEBundle() map[string]any { return map[string]any(b) }

// HTML renders s as HTML.
func HTML(s string) Bundle { return Bundle{"text/html": s, "text/plain": plain("HTML", s)} }

// SVG renders s, an <svg> document, as an image.
func SVG(s string) Bundle { return Bundle{"image/svg+xml": s, "text/plain": plain("SVG", s)} }

// Markdown renders s as Markdown.
func Markdown(s string) Bundle { return Bundle{"text/markdown": s, "text/plain": s} }

// Text renders s as plain text (no quotes).
func Text(s string) Bundle { return Bundle{"text/plain": s} }

// Textf is Text(fmt.Sprintf(format, args...)).
func Textf(format string, args ...any) Bundle { return Text(fmt.Sprintf(format, args...)) }

// PNG renders b, the bytes of a PNG image.
func PNG(b []byte) Bundle {
	return Bundle{"image/png": base64.StdEncoding.EncodeToString(b), "text/plain": fmt.Sprintf("<PNG image, %d bytes>", len(b))}
}

// JPEG renders b, the bytes of a JPEG image.
func JPEG(b []byte) Bundle {
	return Bundle{"image/jpeg": base64.StdEncoding.EncodeToString(b), "text/plain": fmt.Sprintf("<JPEG image, %d bytes>", len(b))}
}

// JSON renders v as an interactive JSON tree (v is marshalled with
// encoding/json; a value that cannot be marshalled renders as its error).
func JSON(v any) Bundle {
	b, err := json.Marshal(v)
	if err != nil {
		return Text("display.JSON: " + err.Error())
	}
	var tree any
	_ = json.Unmarshal(b, &tree)
	ind, _ := json.MarshalIndent(v, "", "  ")
	return Bundle{"application/json": tree, "text/plain": string(ind)}
}

// Table renders rows as an HTML table; the first row is the header.
func Table(rows [][]string) Bundle {
	var b, t strings.Builder
	b.WriteString("<table>")
	for i, r := range rows {
		b.WriteString("<tr>")
		cell := "td"
		if i == 0 {
			cell = "th"
		}
		for _, c := range r {
			fmt.Fprintf(&b, "<%s>%s</%s>", cell, escape(c), cell)
		}
		b.WriteString("</tr>")
		t.WriteString(strings.Join(r, "\t") + "\n")
	}
	b.WriteString("</table>")
	return Bundle{"text/html": b.String(), "text/plain": t.String()}
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

func plain(kind, s string) string {
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return fmt.Sprintf("<%s %q>", kind, s)
}

// A Sink receives what Show displays. The notebook kernel installs one per
// interpreter session; a compiled program may install its own.
type Sink func(data, metadata map[string]any)

var (
	mu   sync.RWMutex
	sink Sink
)

// SetSink installs s as the destination of Show for programs that use this
// package directly (a nil s restores the default, which prints text/plain to
// standard output). Notebook cells do not need it: their Show is bound to
// the cell being executed.
func SetSink(s Sink) {
	mu.Lock()
	sink = s
	mu.Unlock()
}

// Show displays each value now, below the running cell, as display_data.
// A Bundler is shown with its bundle, a string as text, any other value as
// text/plain in %v form.
func Show(values ...any) {
	mu.RLock()
	s := sink
	mu.RUnlock()
	for _, v := range values {
		b := BundleOf(v)
		if s == nil {
			fmt.Println(b["text/plain"])
			continue
		}
		s(b, map[string]any{})
	}
}

// ShowID displays v now, like Show, as a display that Update can later
// replace in place (Jupyter's display_data with a display_id). Without a
// notebook it prints v's text/plain form.
func ShowID(id string, v any) { Show(v) }

// Update replaces the display that ShowID made with id by v, in place
// (update_display_data). Without a notebook it prints v's text/plain form.
func Update(id string, v any) { Show(v) }

// Clear clears the output of the running cell (clear_output); with wait,
// the output is cleared when the next output arrives, which avoids
// flicker in animations. Without a notebook it does nothing.
func Clear(wait bool) {}

// BundleOf returns v's MIME bundle: v.MIMEBundle() for a Bundler (with a
// text/plain entry added when missing), otherwise text/plain holding v in
// %v form (strings unquoted).
func BundleOf(v any) map[string]any {
	if b, ok := v.(Bundler); ok {
		m := b.MIMEBundle()
		out := make(map[string]any, len(m)+1)
		for k, x := range m {
			out[k] = x
		}
		if _, ok := out["text/plain"]; !ok {
			out["text/plain"] = fmt.Sprintf("%v", v)
		}
		return out
	}
	return map[string]any{"text/plain": fmt.Sprint(v)}
}
