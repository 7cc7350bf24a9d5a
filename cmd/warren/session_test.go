package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/warren-go/warren/interp"
)

// childEnv makes this test binary act as `warren _session` (see TestMain).
const childEnv = "WARREN_TEST_SESSION_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		os.Exit(sessionChildCmd(os.Stderr))
	}
	if args := os.Getenv(dispatchEnv); args != "" { // this binary as `warren args...`
		os.Exit(dispatch(strings.Split(args, "\x1f"), os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// testSession starts a remoteSession whose child is this test binary.
func testSession(t *testing.T, stderr *syncBuffer) *remoteSession {
	t.Helper()
	if testing.Short() {
		t.Skip("starts session processes")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rs, err := newRemoteSession([]string{exe, "_session"}, append(os.Environ(), childEnv+"=1"), stderr, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rs.Close() })
	return rs
}

// syncBuffer is a bytes.Buffer safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// recOutput records a cell's output.
type recOutput struct {
	mu       sync.Mutex
	stdout   strings.Builder
	stderr   strings.Builder
	displays []map[string]any
	line     string // what Input answers
	prompts  int
}

func (o *recOutput) Stream(name, text string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if name == "stderr" {
		o.stderr.WriteString(text)
	} else {
		o.stdout.WriteString(text)
	}
}

func (o *recOutput) Display(data, _ map[string]any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.displays = append(o.displays, data)
}

func (o *recOutput) Input(string, bool) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.prompts++
	return o.line, nil
}

func (o *recOutput) texts() (string, string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.stdout.String(), o.stderr.String()
}

func execOK(t *testing.T, rs *remoteSession, id, code string) (map[string]any, *recOutput) {
	t.Helper()
	out := &recOutput{}
	data, err := rs.Execute(context.Background(), id, code, out)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return data, out
}

// The three fatal errors the issue names: each is the cell's FatalError
// with the runtime's message, where it happened and that state was lost;
// the next cell runs in a fresh session.
func TestRemoteSessionFatalErrors(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	for _, tc := range []struct {
		name, code, value, where, line, frame string
	}{
		{"concurrent map writes (goroutines)", "import \"sync\"\nm := map[int]int{}\nvar wg sync.WaitGroup\nfor g := 0; g < 8; g++ {\n\twg.Add(1)\n\tgo func(g int) {\n\t\tdefer wg.Done()\n\t\tfor i := 0; i < 1000000; i++ {\n\t\t\tm[i] = g\n\t\t}\n\t}(g)\n}\nwg.Wait()",
			"concurrent map", "go statement", "  9 | m[i] = g", "    function body from line 7 | defer wg.Done()"},
		{"concurrent map writes (ray tasks)", "m := map[int]int{}\nw := ray.Remote(func(g int) int {\n\tfor i := 0; i < 1000000; i++ {\n\t\tm[i] = g\n\t}\n\treturn g\n})\nrefs := []ray.ObjectRef{}\nfor g := 0; g < 8; g++ {\n\trefs = append(refs, w.Remote(g))\n}\nray.GetAll(refs...)",
			"concurrent map", "ray task", "  4 | m[i] = g", "    function body from line 3 | for i := 0; i < 1000000; i++ {"},
		{"stack overflow", "func f(n int) int { return f(n+1) + 1 }\nf(0)", "stack overflow", "cell's own code", "  1 | func f(n int) int {", "    top-level statements from line 2 | f(0)"},
		{"out of memory", "b := make([]byte, 1<<40)\nlen(b)", "out of memory", "cell's own code", "  1 | b := make([]byte, 1<<40)", "    top-level statements from line 1 | b := make([]byte, 1<<40)"},
		{"panic in a time.AfterFunc callback", "import \"time\"\ntime.AfterFunc(time.Millisecond, func() { panic(\"boom\") })\ntime.Sleep(time.Minute)",
			"panic: boom", "created by time.goFunc (a goroutine of the Go library", "recover inside that function", "    function body from line 2 | time.AfterFunc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			execOK(t, rs, tc.name+"-def", "before := 1")
			_, err := rs.Execute(context.Background(), tc.name, tc.code, &recOutput{})
			var ie *interp.Error
			if !errors.As(err, &ie) || ie.Name != "FatalError" || !strings.Contains(ie.Value, tc.value) {
				t.Fatalf("error %#v, want FatalError %q", err, tc.value)
			}
			tb := strings.Join(ie.Traceback, "\n")
			for _, want := range []string{"FatalError: " + ie.Value, tc.where, tc.line, tc.frame, "state was lost"} {
				if !strings.Contains(tb, want) {
					t.Errorf("traceback lacks %q:\n%s", want, tb)
				}
			}
			data, _ := execOK(t, rs, tc.name+"-next", "1+1")
			if data["text/plain"] != "2" {
				t.Errorf("next cell: %v", data)
			}
			// The state is gone, as the error says.
			_, err = rs.Execute(context.Background(), tc.name+"-gone", "before", &recOutput{})
			if !errors.As(err, &ie) || ie.Name != "CompileError" || !strings.Contains(ie.Value, "undefined") {
				t.Errorf("a variable of the lost session: %v", err)
			}
		})
	}
}

// A goroutine that kills the session after its cell ended: the report goes
// to the last cell's stderr and the next cell runs.
func TestRemoteSessionFatalWhileIdle(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	_, out := execOK(t, rs, "bg", "import \"time\"\ngo func() {\n\ttime.Sleep(200 * time.Millisecond)\n\tb := make([]byte, 1<<40)\n\t_ = b\n}()")
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, e := out.texts()
		if strings.Contains(e, "FatalError: runtime: out of memory") && strings.Contains(e, "state was lost") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no report on the cell's stderr: %q", e)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if data, _ := execOK(t, rs, "next", "1+1"); data["text/plain"] != "2" {
		t.Errorf("next cell: %v", data)
	}
}

// Interrupt, output, late output and input cross the process boundary.
func TestRemoteSessionInterruptOutputInput(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := rs.Execute(ctx, "loop", "for {}", &recOutput{})
	var ie *interp.Error
	if !errors.As(err, &ie) || ie.Name != "KeyboardInterrupt" {
		t.Fatalf("interrupted for {}: %v", err)
	}

	out := &recOutput{line: "Gopher"}
	data, err := rs.Execute(context.Background(), "io", "import (\"fmt\"; \"os\"; \"display\"; \"time\")\nvar name string\nfmt.Scanln(&name)\nfmt.Println(\"hello\", name)\nfmt.Fprintln(os.Stderr, \"warn\")\ndisplay.Show(display.HTML(\"<b>x</b>\"))\ngo func() { time.Sleep(100 * time.Millisecond); fmt.Println(\"late\") }()\n40 + 2", out)
	if err != nil {
		t.Fatal(err)
	}
	if data["text/plain"] != "42" {
		t.Errorf("result %v", data)
	}
	if _, err := rs.Execute(context.Background(), "after", "time.Sleep(300 * time.Millisecond)", &recOutput{}); err != nil {
		t.Fatal(err)
	}
	o, e := out.texts()
	if o != "hello Gopher\nlate\n" || e != "warn\n" || out.prompts != 1 {
		t.Errorf("stdout %q stderr %q prompts %d", o, e, out.prompts)
	}
	if len(out.displays) != 1 || out.displays[0]["text/html"] != "<b>x</b>" {
		t.Errorf("displays %v", out.displays)
	}

	m, _, _ := rs.Complete("import \"strings\"\nstrings.HasPre", len("import \"strings\"\nstrings.HasPre"))
	if len(m) == 0 || m[0] != "HasPrefix" {
		t.Errorf("completion %v", m)
	}
	if _, found := rs.Inspect("import \"strings\"\nstrings.ToUpper", len("import \"strings\"\nstrings.ToUp"), 0); !found {
		t.Error("inspect found nothing")
	}
}

// warren run reports a fatal error as the failing cell's error.
func TestRunFatalError(t *testing.T) {
	dir := t.TempDir()
	in := codeNotebook(t, dir, "nb.ipynb", "x := 1", "func f(n int) int { return f(n+1) + 1 }\nf(0)", "x")
	var stdout, stderr bytes.Buffer
	var stderrChild syncBuffer
	factory := func() (cellSession, func(), error) {
		rs := testSession(t, &stderrChild)
		return rs, func() { _ = rs.Close() }, nil
	}
	code := runMain([]string{"-o", filepath.Join(dir, "out.ipynb"), in}, &stdout, &stderr, factory)
	if code != 1 || !strings.Contains(stderr.String(), "FatalError: stack overflow") || !strings.Contains(stderr.String(), "state was lost") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout.String(), stderr.String())
	}
}

func TestFatalReportWithoutCrashOutput(t *testing.T) {
	e := fatalReport("", "signal: killed", nil, "")
	if e.Name != "FatalError" || !strings.Contains(e.Value, "signal: killed") || !strings.Contains(strings.Join(e.Traceback, "\n"), "out-of-memory killer") {
		t.Errorf("%+v", e)
	}
	if e.Traceback[len(e.Traceback)-1] != stateLost {
		t.Errorf("last line %q", e.Traceback[len(e.Traceback)-1])
	}
}

// A session process killed from outside (e.g. by the out-of-memory killer)
// is reported like a fatal error.
func TestRemoteSessionKilled(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	c, err := rs.child()
	if err != nil {
		t.Fatal(err)
	}
	time.AfterFunc(300*time.Millisecond, func() { _ = c.cmd.Process.Kill() })
	_, err = rs.Execute(context.Background(), "sleep", "import \"time\"\ntime.Sleep(time.Minute)", &recOutput{})
	var ie *interp.Error
	if !errors.As(err, &ie) || ie.Name != "FatalError" || !strings.Contains(ie.Value, "signal: killed") ||
		!strings.Contains(strings.Join(ie.Traceback, "\n"), "state was lost") {
		t.Fatalf("%#v", err)
	}
	if data, _ := execOK(t, rs, "next", "1+1"); data["text/plain"] != "2" {
		t.Errorf("next cell: %v", data)
	}
}

// The session's stack limit leaves room for deep (finite) recursion.
func TestRemoteSessionDeepRecursion(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	data, _ := execOK(t, rs, "deep", "func d(n int) int {\n\tif n == 0 {\n\t\treturn 0\n\t}\n\treturn d(n-1) + 1\n}\nd(100000)")
	if data["text/plain"] != "100000" {
		t.Errorf("d(100000) = %v", data)
	}
}

func TestSessionCommandNeedsItsPipes(t *testing.T) {
	var stderr bytes.Buffer
	if code := sessionChildCmd(&stderr); code != 2 || !strings.Contains(stderr.String(), "not for direct use") {
		t.Errorf("exit %d, stderr %q", code, stderr.String())
	}
}

// A session process that cannot start is reported, not restarted in a loop.
func TestRemoteSessionCannotStart(t *testing.T) {
	var stderr syncBuffer
	_, err := newRemoteSession([]string{"/bin/sh", "-c", "echo 'fatal error: cannot start' >&2; exit 3"}, nil, &stderr, false)
	if err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("err %v", err)
	}
	if n := strings.Count(stderr.String(), "cannot start"); n != 1 {
		t.Errorf("started %d times:\n%s", n, stderr.String())
	}
}

// BenchmarkExecute compares a trivial cell in-process and in the session
// process (go test -bench Execute -run '^$' ./cmd/warren).
func BenchmarkExecute(b *testing.B) {
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	remote, err := newRemoteSession([]string{exe, "_session"}, append(os.Environ(), childEnv+"=1"), io.Discard, false)
	if err != nil {
		b.Fatal(err)
	}
	defer remote.Close()
	local, err := interp.New(interp.Options{NoHost: true})
	if err != nil {
		b.Fatal(err)
	}
	defer local.Close()
	for _, bc := range []struct {
		name string
		s    session
	}{{"in-process", local}, {"session-process", remote}} {
		b.Run(bc.name, func(b *testing.B) {
			out := &recOutput{}
			for i := 0; b.Loop(); i++ {
				if _, err := bc.s.Execute(context.Background(), fmt.Sprint("c", i), "1", out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// Closing the session while a cell loops ends the session process, which
// exits cleanly.
func TestRemoteSessionCloseWhileRunning(t *testing.T) {
	var stderr syncBuffer
	rs := testSession(t, &stderr)
	c, err := rs.child()
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	out := &startOutput{started: started}
	go rs.Execute(context.Background(), "loop", "import \"fmt\"\nfmt.Println(\"looping\")\nfor {}", out)
	<-started
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.dead:
	default:
		t.Fatal("Close returned with the session process alive")
	}
	if ps := c.cmd.ProcessState; ps == nil || !ps.Success() {
		t.Errorf("the session process did not exit cleanly: %v", ps)
	}
}

// startOutput closes started on the first output.
type startOutput struct {
	once    sync.Once
	started chan struct{}
}

func (o *startOutput) Stream(string, string)                  { o.once.Do(func() { close(o.started) }) }
func (o *startOutput) Display(map[string]any, map[string]any) {}

// warren run gives cells its standard input, line by line on demand, both
// to fmt.Scan and to os.Stdin read directly, in-process and through the
// session process; at its end reads see EOF.
func TestRunStdin(t *testing.T) {
	for _, tc := range []struct {
		name    string
		factory func(t *testing.T) sessionFactory
	}{
		{"in-process", func(*testing.T) sessionFactory { return newInterpSession }},
		{"session process", func(t *testing.T) sessionFactory {
			return func() (cellSession, func(), error) {
				rs := testSession(t, &syncBuffer{})
				return rs, func() { _ = rs.Close() }, nil
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := codeNotebook(t, dir, "nb.ipynb",
				"import (\"bufio\"; \"fmt\"; \"os\")\nvar name string\nfmt.Scanln(&name)\nfmt.Println(\"hello\", name)",
				"r := bufio.NewReader(os.Stdin)\nline, _ := r.ReadString('\\n')\nfmt.Printf(\"%q\\n\", line)",
				"sc := bufio.NewScanner(os.Stdin)\nfor sc.Scan() { fmt.Println(\"got\", sc.Text()) }\nfmt.Println(\"end\", sc.Err())")
			var stdout, stderr bytes.Buffer
			code := runMainIn([]string{in}, strings.NewReader("Gopher\n3 4\nx\ny"), &stdout, &stderr, tc.factory(t))
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr.String())
			}
			for _, want := range []string{"hello Gopher\n", "\"3 4\\n\"\n", "got x\ngot y\nend <nil>\n"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}
