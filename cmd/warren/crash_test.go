package main

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/warren-go/warren/interp"
)

func TestCauseLines(t *testing.T) {
	for _, tc := range []struct {
		fatal, code string
		want        []string // the listed lines, without the heading
	}{
		{"concurrent map writes", "m := map[string]int{}\nx := m[\"a\"]\nm[\"a\"] = 1\ns[i][j] += 2\ncount[k]++\nf(a)[0] = 3\ndelete(m, \"a\")\nv := a[1] == b",
			[]string{"  3 | m[\"a\"] = 1", "  4 | s[i][j] += 2", "  5 | count[k]++", "  6 | f(a)[0] = 3", "  7 | delete(m, \"a\")"}},
		{"concurrent map read and map write", "x := 1", nil},
		{"stack overflow", "func f(n int) int { return f(n+1) }\nfunc g() { strings.g() }\nfunc (t *T) walk() {\n\tt.walk()\n}\nh := func() { h() }",
			[]string{"  1 | func f(n int) int { return f(n+1) }", "  3 | func (t *T) walk() {"}},
		{"runtime: out of memory", "b := make([]byte, 1<<40)\ns = append(s, b...)\nmakeIt()",
			[]string{"  1 | b := make([]byte, 1<<40)", "  2 | s = append(s, b...)"}},
		{"unknown", "m[1] = 2", nil},
		{"concurrent map writes", "a[1] = 1\na[2] = 1\na[3] = 1\na[4] = 1\na[5] = 1\na[6] = 1\na[7] = 1",
			[]string{"  1 | a[1] = 1", "  2 | a[2] = 1", "  3 | a[3] = 1", "  4 | a[4] = 1", "  5 | a[5] = 1", "  … and 2 more"}},
	} {
		got := causeLines(tc.code, tc.fatal)
		if len(got) > 0 {
			got = got[1:]
		}
		if len(got) == 0 {
			got = nil
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s in %q:\ngot  %q\nwant %q", tc.fatal, tc.code, got, tc.want)
		}
	}
}

// A crash report as the runtime writes it (the tail of stderr, then the
// crash file) becomes a FatalError naming the goroutine's role.
func TestFatalReportFromCrashText(t *testing.T) {
	report := "warren: some log line\nfatal error: concurrent map writes\n\ngoroutine 38 [running]:\n" +
		"internal/runtime/maps.fatal({0x1166ff5?, 0x10390c0?})\n\t/usr/local/go/src/runtime/panic.go:1181 +0x18\n" +
		"reflect.Value.SetMapIndex({0x10390c0?}, {0xfb7500})\n\t/usr/local/go/src/reflect/map.go:439 +0x35b\n" +
		"github.com/traefik/yaegi/interp.assign.func2(0x31c5e4ab8630)\n\t/x/run.go:713 +0xc5\n" +
		"github.com/traefik/yaegi/interp.runCfg(0x31c5e4ac7540, 0x31c5e4ab8630)\n\t/x/run.go:234 +0x265\n" +
		"github.com/warren-go/warren/parallel.(*Runtime).run(0x1)\n\t/x/runtime.go:1 +0x1\n" +
		"created by github.com/warren-go/warren/parallel.(*Runtime).start in goroutine 13\n\t/x/runtime.go:2 +0x1\n\n" +
		"goroutine 1 [select]:\nmain.main()\n"
	e := fatalReport(report, "exit status 2", []interp.CrashFrame{{Line: 2, ThisCell: true, Repeat: 1}, {Line: 5, Repeat: 3}, {Line: 1, ThisCell: true, TopLevel: true, Repeat: 1}}, "x := 1\nm[1] = 2")
	tb := strings.Join(e.Traceback, "\n")
	for _, want := range []string{"FatalError: concurrent map writes", "in a ray task (goroutine 38)", "sync.Mutex",
		"  internal/runtime/maps.fatal … (2 frames in the Go runtime and reflect)",
		"  github.com/traefik/yaegi/interp.assign.func2 … (2 frames in the interpreter (yaegi))",
		"  created by github.com/warren-go/warren/parallel.(*Runtime).start", stateLost} {
		if !strings.Contains(tb, want) {
			t.Errorf("lacks %q:\n%s", want, tb)
		}
	}
	if e.Value != "concurrent map writes" || strings.Contains(tb, "main.main") {
		t.Errorf("value %q; traceback:\n%s", e.Value, tb)
	}
	for _, want := range []string{"    function body from line 2 | m[1] = 2", "    function body from line 5 of an earlier cell   (3 calls in a row shown)",
		"    top-level statements from line 1 | x := 1", "  2 | m[1] = 2"} {
		if !slices.Contains(e.Traceback, want) {
			t.Errorf("lacks line %q:\n%s", want, tb)
		}
	}
}

func TestGoroutineRole(t *testing.T) {
	for _, tc := range []struct {
		frames []string
		want   string
	}{
		{[]string{"reflect.Value.Call", "github.com/warren-go/warren/interp.(*Session).goStmt.func1", "created by github.com/warren-go/warren/interp.(*Session).goStmt"}, "go statement"},
		{[]string{"github.com/traefik/yaegi/interp.call.func9.2", "created by github.com/traefik/yaegi/interp.call.func9"}, "go statement"},
		{[]string{"github.com/traefik/yaegi/interp.runCfg", "github.com/warren-go/warren/parallel.(*Runtime).run", "created by github.com/warren-go/warren/parallel.(*Runtime).start"}, "ray task"},
		{[]string{"github.com/traefik/yaegi/interp.runCfg", "github.com/warren-go/warren/interp.(*Session).evalLocked.func1", "created by github.com/warren-go/warren/interp.(*Session).evalLocked in goroutine 1"}, "own code"},
		{[]string{"time.goFunc", "created by time.goFunc"}, ""},
	} {
		if got := goroutineRole(tc.frames); !strings.Contains(got, tc.want) || (tc.want == "") != (got == "") {
			t.Errorf("%q: %q, want %q", tc.frames, got, tc.want)
		}
	}
}

// The fatal error's first lines are found however stderr is cut into
// writes, and however much follows them.
func TestMarkWriter(t *testing.T) {
	var sink strings.Builder
	m := &markWriter{w: &sink}
	text := "warren: log\nruntime: goroutine stack exceeds 268435456-byte limit\nfatal error: stack overflow\n\n" +
		strings.Repeat("goroutine 1 [running]:\nmain.f()\n", 20000) + "panic: not at line start: panic: x\n"
	for i := 0; i < len(text); i += 7 {
		m.Write([]byte(text[i:min(i+7, len(text))]))
	}
	if sink.String() != text {
		t.Error("the text was not passed on unchanged")
	}
	want := "runtime: goroutine stack exceeds 268435456-byte limit\nfatal error: stack overflow\npanic: not at line start: panic: x\n"
	if got := m.String(); got != want {
		t.Errorf("marks %q, want %q", got, want)
	}

	// warren run hides the goroutine dump after the first mark.
	sink.Reset()
	m = &markWriter{w: &sink, hideDump: true}
	for i := 0; i < len(text); i += 7 {
		m.Write([]byte(text[i:min(i+7, len(text))]))
	}
	if got := sink.String(); !strings.HasPrefix(got, "warren: log\nruntime: goroutine stack exceeds") || len(got) > 100 {
		t.Errorf("passed on %d bytes: %.200q", len(got), got)
	}
	if got := m.String(); got != want {
		t.Errorf("hiding: marks %q, want %q", got, want)
	}
}
