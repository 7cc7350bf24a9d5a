package interp

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"runtime/debug"
	"testing"
)

// crashChildEnv makes the test binary run one fatal cell (see
// TestCrashFrames).
const crashChildEnv = "WARREN_TEST_CRASHMAP_CHILD"

// TestCrashFrames crashes a session in a child process (this test binary)
// and maps the runtime's report to cell lines: the frames of the goroutine
// of a go statement, and of unbounded recursion.
func TestCrashFrames(t *testing.T) {
	if mode := os.Getenv(crashChildEnv); mode != "" {
		crashChild(mode)
		return
	}
	for _, tc := range []struct {
		mode string
		want CrashFrame // the innermost frame
	}{
		// The goroutine's function body starts at line 4 of the cell.
		{"map", CrashFrame{Line: 4, ThisCell: true, Repeat: 1}},
		// f's body is line 2 of an earlier cell, many times over.
		{"recursion", CrashFrame{Line: 2, ThisCell: false}},
		// Top-level code: the chunk's statements start at line 1.
		{"oom", CrashFrame{Line: 1, ThisCell: true, TopLevel: true, Repeat: 1}},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestCrashFrames$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+tc.mode, "WARREN_TEST_CRASHMAP_DIR="+dir)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err == nil {
				t.Fatalf("the child did not crash:\n%s", stderr.String())
			}
			pos, err := os.Open(dir + "/positions")
			if err != nil {
				t.Fatal(err)
			}
			defer pos.Close()
			got := CrashFrames(stderr.String(), pos, "crash")
			t.Logf("frames: %+v", got)
			if len(got) == 0 {
				t.Fatalf("no frames; report:\n%.3000s", stderr.String())
			}
			f := got[0]
			if tc.want.Repeat == 0 && f.Repeat > 10 { // recursion: many frames folded
				f.Repeat = 0
				// and the report's outermost frames end in the calling cell
				if last := got[len(got)-1]; last != (CrashFrame{Line: 1, ThisCell: true, TopLevel: true, Repeat: 1}) {
					t.Errorf("outermost frame %+v, want the top level of this cell", last)
				}
			}
			if f != tc.want {
				t.Errorf("innermost frame %+v, want %+v; all %+v", got[0], tc.want, got)
			}
		})
	}
}

func crashChild(mode string) {
	debug.SetMaxStack(64 << 20) // overflow sooner
	f, err := os.Create(os.Getenv("WARREN_TEST_CRASHMAP_DIR") + "/positions")
	if err != nil {
		panic(err)
	}
	s, err := New(Options{NoHost: true})
	if err != nil {
		panic(err)
	}
	if err := s.TracePositions(f); err != nil {
		panic(err)
	}
	out := &discard{}
	run := func(id, code string) {
		if _, err := s.Execute(context.Background(), id, code, out); err != nil {
			panic(err)
		}
	}
	switch mode {
	case "map":
		run("crash", "m := map[int]int{}\nfor g := 0; g < 8; g++ {\n\tgo func(g int) {\n\t\tfor i := 0; ; i++ {\n\t\t\tm[i%1000] = g\n\t\t}\n\t}(g)\n}\nselect {}")
	case "oom":
		run("crash", "x := 1\nb := make([]byte, 1<<40)\nprintln(len(b), x)")
	case "recursion":
		run("decl", "// f recurses without end\nfunc f(n int) int { return f(n+1) + 1 }")
		run("crash", "f(0)")
	}
}

type discard struct{}

func (discard) Stream(string, string)                  {}
func (discard) Display(map[string]any, map[string]any) {}
