package display

import (
	"fmt"
	"testing"
)

func TestBundles(t *testing.T) {
	tests := []struct {
		b    Bundle
		mime string
	}{
		{HTML("<b>x</b>"), "text/html"},
		{SVG("<svg/>"), "image/svg+xml"},
		{Markdown("# t"), "text/markdown"},
		{JSON(map[string]int{"a": 1}), "application/json"},
		{PNG([]byte{1, 2}), "image/png"},
		{Table([][]string{{"h"}, {"<v>"}}), "text/html"},
		{Text("plain"), "text/plain"},
	}
	for _, tt := range tests {
		m := tt.b.MIMEBundle()
		if m[tt.mime] == nil || m["text/plain"] == nil {
			t.Errorf("%v: missing %s or text/plain", m, tt.mime)
		}
	}
}

func TestShowSink(t *testing.T) {
	var got []map[string]any
	SetSink(func(data, _ map[string]any) { got = append(got, data) })
	defer SetSink(nil)
	Show(HTML("<i>a</i>"), 3)
	if len(got) != 2 || got[0]["text/html"] != "<i>a</i>" || got[1]["text/plain"] != "3" {
		t.Errorf("shown %v", got)
	}
}

func ExampleHTML() {
	b := HTML("<b>bold</b>")
	fmt.Println(b.MIMEBundle()["text/html"])
	// Output: <b>bold</b>
}
