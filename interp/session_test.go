package interp

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestTrailingValue(t *testing.T) {
	s := newSession(t)
	run(t, s, "func f() {}\nfunc g() int { return 7 }")
	tests := []struct{ code, want string }{
		{"1 + 2", "3"},
		{"\"hi\"", `"hi"`},
		{"g()", "7"},
		{"f()", "<nil bundle>"},
		{"x := 3", "<nil bundle>"},
		{"import \"fmt\"\nfmt.Println(\"printed\")", "<nil bundle>"},
		{"[]int{1, 2}", "[1 2]"},
		{"type P struct{ X, Y int }\nP{1, 2}", "{1 2}"},
		{"var e error\ne", "<nil>"},
		// Calls without results show nothing, also compiled ones after a
		// cell with a value (yaegi's own result would be that stale value).
		{"stale := \"stale\"\nstale", `"stale"`},
		{"import \"time\"\ntime.Sleep(1)", "<nil bundle>"},
		{"import \"sort\"\nints := []int{3, 1, 2}\nsort.Ints(ints)", "<nil bundle>"},
		{"import \"sync\"\nvar wg sync.WaitGroup\nwg.Wait()", "<nil bundle>"},
		{"ints", "[1 2 3]"},
		{"import \"strconv\"\nstrconv.Atoi(\"12\")", "12 <nil>"},
		{"for i := 0; i < 2; i++ {\n}\ng()", "7"},
	}
	for _, tt := range tests {
		res, _ := run(t, s, tt.code)
		if got := plain(res); got != tt.want {
			t.Errorf("%q = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestMIMEBundleAndDisplay(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, "import \"display\"\ndisplay.HTML(\"<b>x</b>\")")
	if res["text/html"] != "<b>x</b>" || res["text/plain"] == nil {
		t.Errorf("bundle = %v", res)
	}
	_, rec := run(t, s, "display.Show(display.Markdown(\"# hi\"), 42)\nx := 1")
	if len(rec.displays) != 2 || rec.displays[0]["text/markdown"] != "# hi" || rec.displays[1]["text/plain"] != "42" {
		t.Errorf("displays = %v", rec.displays)
	}
}

func TestOutputStreams(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, `import (
	"fmt"
	"log"
	"os"
)
fmt.Println("fmt")
fmt.Fprintln(os.Stdout, "fprintln")
os.Stdout.WriteString("write\n")
fmt.Fprintln(os.Stderr, "to stderr")
log.SetFlags(0)
log.Println("logged")
print("printed\n")`)
	for _, w := range []string{"fmt\n", "fprintln\n", "write\n"} {
		if !strings.Contains(rec.stdout(), w) {
			t.Errorf("stdout %q lacks %q", rec.stdout(), w)
		}
	}
	for _, w := range []string{"to stderr\n", "logged\n"} {
		if !strings.Contains(rec.stderr(), w) {
			t.Errorf("stderr %q lacks %q", rec.stderr(), w)
		}
	}
	if !strings.Contains(rec.stdout()+rec.stderr(), "printed\n") {
		t.Errorf("print output lost: %q %q", rec.stdout(), rec.stderr())
	}
}

// Output is forwarded while the cell runs, not at the end.
func TestOutputStreamsWhileRunning(t *testing.T) {
	s := newSession(t)
	rec := newRecorder()
	done := make(chan error, 1)
	go func() {
		_, err := s.Execute(context.Background(), "stream", "import (\"fmt\"; \"os\"; \"time\")\nfmt.Println(\"early\")\nos.Stdout.WriteString(\"early2\\n\")\ntime.Sleep(2*time.Second)", rec)
		done <- err
	}()
	deadline := time.Now().Add(1500 * time.Millisecond)
	for !strings.Contains(rec.stdout(), "early2") {
		if time.Now().After(deadline) {
			t.Fatalf("no output while the cell runs: %q", rec.stdout())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// Output of a goroutine still running after its cell ended goes to that
// cell, even while another cell runs.
func TestLateGoroutineOutput(t *testing.T) {
	s := newSession(t)
	_, first := run(t, s, "import (\"fmt\"; \"time\")\ngo func() { time.Sleep(100 * time.Millisecond); fmt.Println(\"late\") }()")
	_, second := run(t, s, "time.Sleep(300 * time.Millisecond)")
	if !strings.Contains(first.stdout(), "late") {
		t.Errorf("first cell stdout = %q", first.stdout())
	}
	if strings.Contains(second.stdout(), "late") {
		t.Errorf("late output went to the second cell")
	}
}

func TestImportDedupAndRayAutoImport(t *testing.T) {
	s := newSession(t)
	for i := 0; i < 2; i++ {
		// The second run imports fmt and strings again: dropped, no error.
		res, _ := run(t, s, "import \"fmt\"\nimport \"strings\"\nfmt.Sprint(strings.ToUpper(\"a\"))")
		if plain(res) != `"A"` {
			t.Errorf("run %d: %s", i, plain(res))
		}
	}
	// ray is there without an import, and an explicit import is dropped.
	res, _ := run(t, s, "import \"ray\"\nvar te *ray.TaskError\nte == nil")
	if plain(res) != "true" {
		t.Errorf("explicit ray import: %s", plain(res))
	}
	res, _ = run(t, s, "var te2 *ray.TaskError\nfmt.Sprintf(\"%T\", te2)")
	if plain(res) != `"*parallel.TaskError"` {
		t.Errorf("auto-imported ray: %s", plain(res))
	}
	res, _ = run(t, s, "import \"golang.org/x/net/html\"\ndoc, err := html.Parse(strings.NewReader(\"<p>x</p>\"))\nfmt.Sprint(err, doc.FirstChild.Data)")
	if plain(res) != `"<nil>html"` { // Sprint puts no space before a string
		t.Errorf("html.Parse: %s", plain(res))
	}
}

func TestErrors(t *testing.T) {
	s := newSession(t)
	run(t, s, "keep := 41")
	tests := []struct {
		name, code, ename, value, trace string
	}{
		{"compile error", "x := 1\ny := undefinedThing + x", "CompileError", "line 2", "2 | y := undefinedThing + x"},
		{"syntax error", "x := 1 +\n", "CompileError", "line", ""},
		{"panic", "func boom() {\n\tpanic(\"bang\")\n}\nboom()", "panic", "bang", "at boom (line 2:"},
		{"runtime error", "var a []int\n_ = a[3]", "runtime.Error", "", ""},
		{"error value", "import \"errors\"\npanic(errors.New(\"e\"))", "error", "e", ""},
		{"typed error value", "import \"os\"\n_, err := os.Open(\"/nonexistent\")\npanic(err)", "*fs.PathError", "no such file", ""},
		{"ray misuse", "ray.Remote(5)", "InvalidCall", "needs a function", ""},
		{"os.Exit", "import \"os\"\nos.Exit(3)", "Exit", "os.Exit(3) called", ""},
		{"log.Fatal", "import \"log\"\nlog.Fatal(\"fatal!\")", "Exit", "log.Fatal called: fatal!", ""},
		{"closer", "}", "CompileError", "", ""},
		{"top-level panic", "a := 1\npanic(a)", "panic", "1", "top level of the cell (lines 1-2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rec, e := try(t, s, tt.code)
			if tt.ename == "" { // may work or fail, but must not crash
				t.Logf("result: %v", e)
			} else {
				if e == nil {
					t.Fatalf("no error")
				}
				if e.Name != tt.ename || !strings.Contains(e.Value, tt.value) {
					t.Errorf("error = %q %q, want %q containing %q", e.Name, e.Value, tt.ename, tt.value)
				}
				if tt.trace != "" && !strings.Contains(strings.Join(e.Traceback, "\n"), tt.trace) {
					t.Errorf("traceback %q lacks %q", e.Traceback, tt.trace)
				}
				if strings.Contains(rec.stderr(), "panic:") {
					t.Errorf("duplicate panic report on stderr: %q", rec.stderr())
				}
			}
			res, _ := run(t, s, "keep + 1")
			if plain(res) != "42" {
				t.Errorf("after error: keep + 1 = %v", res)
			}
		})
	}
}

func TestGoroutinePanicIsContained(t *testing.T) {
	s := newSession(t)
	_, rec, e := try(t, s, "import \"sync\"\nvar wg sync.WaitGroup\nwg.Add(1)\ngo func() {\n\tdefer wg.Done()\n\tpanic(\"in goroutine\")\n}()\nwg.Wait()")
	if e == nil || e.Name != "panic" || e.Value != "in goroutine" || !strings.Contains(strings.Join(e.Traceback, "\n"), "in a goroutine started by the cell") {
		t.Errorf("cell error = %#v (stderr %q)", e, rec.stderr())
	}
	res, _ := run(t, s, "1 + 1")
	if plain(res) != "2" {
		t.Errorf("next cell = %v", res)
	}
	// A go statement calling a named function with arguments, converted.
	_, rec = run(t, s, "import \"fmt\"\nfunc show(f float64, s ...string) { fmt.Println(f, s) }\nwg.Add(1)\ngo func() { defer wg.Done(); show(1, \"a\") }()\nwg.Wait()")
	if !strings.Contains(rec.stdout(), "1 [a]") {
		t.Errorf("stdout = %q", rec.stdout())
	}
}

func TestInterrupt(t *testing.T) {
	s := newSession(t)
	run(t, s, "before := 5")
	for _, code := range []string{"for {}", "import \"time\"\ntime.Sleep(time.Hour)", "x := 0\nfor {\n\tx++\n}"} {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, _, e := tryCtx(ctx, t, s, code)
		if e == nil || e.Name != "KeyboardInterrupt" {
			t.Fatalf("%q: error = %v, want KeyboardInterrupt", code, e)
		}
		// A hang guard, not a performance bound: the cells run or sleep
		// for ever unless the interrupt stops them.
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%q: interrupt took %v", code, d)
		}
		res, _ := run(t, s, "before * 2")
		if plain(res) != "10" {
			t.Errorf("after interrupt: %v", res)
		}
	}
}

func TestRedefinition(t *testing.T) {
	s := newSession(t)
	for i := 0; i < 2; i++ {
		run(t, s, "func f() int { return 1 }\nvar v = 2\nw := 3")
	}
	run(t, s, "func f() int { return 10 }")
	res, _ := run(t, s, "f() + v + w")
	if plain(res) != "15" {
		t.Errorf("f()+v+w = %v", res)
	}
	run(t, s, "type T struct{ A int }")
	_, rec := run(t, s, "type T struct{ A int }")
	if rec.stderr() != "" {
		t.Errorf("same type again warned: %q", rec.stderr())
	}
	_, rec = run(t, s, "type T struct{ A, B int }")
	if !strings.Contains(rec.stderr(), "warning: type T") {
		t.Errorf("no warning for a changed type: %q", rec.stderr())
	}
}

func TestCompleteAndInspect(t *testing.T) {
	s := newSession(t)
	run(t, s, "import \"strings\"\nmyVariable := 42\nfunc myFunc() {}")
	code := "strings.ToU"
	m, start, end := s.Complete(code, len(code))
	if len(m) == 0 || m[0] != "ToUpper" || start != 8 || end != len(code) {
		t.Errorf("Complete(%q) = %v %d %d", code, m, start, end)
	}
	m, _, _ = s.Complete("my", 2)
	if strings.Join(m, ",") != "myFunc,myVariable" {
		t.Errorf("session completions = %v", m)
	}
	m, _, _ = s.Complete("ray.Ge", 6)
	if len(m) == 0 || m[0] != "Get" {
		t.Errorf("ray completions = %v", m)
	}
	m, _, _ = s.Complete("fo", 2)
	if len(m) == 0 || m[0] != "for" {
		t.Errorf("keyword completions = %v", m)
	}
	run(t, s, "type Pt struct{ X, Y int }\npt := Pt{1, 2}\nvar sb strings.Builder")
	m, _, _ = s.Complete("pt.", 3)
	if strings.Join(m, ",") != "X,Y" {
		t.Errorf("field completions = %v", m)
	}
	m, _, _ = s.Complete("sb.Wr", 5)
	if len(m) == 0 || m[0] != "Write" {
		t.Errorf("method completions = %v", m)
	}
	b, ok := s.Inspect("strings.ToUpper(", 10, 0)
	if !ok || !strings.Contains(b["text/plain"].(string), "func ToUpper(s string) string") {
		t.Errorf("Inspect strings.ToUpper = %v %v", b, ok)
	}
	b, ok = s.Inspect("myVariable", 3, 0)
	if !ok || !strings.Contains(b["text/plain"].(string), "int = 42") {
		t.Errorf("Inspect myVariable = %v %v", b, ok)
	}
	b, ok = s.Inspect("ray.Get", 6, 0)
	if !ok || !strings.Contains(b["text/plain"].(string), "Get") {
		t.Errorf("Inspect ray.Get = %v %v", b, ok)
	}
	if _, ok := s.Inspect("nothingHere", 3, 0); ok {
		t.Errorf("Inspect of an unknown name succeeded")
	}
}

// go statements of every form still run concurrently after the rewrite:
// method values, calls inside declared functions, compiled methods,
// func literals with arguments (evaluated when the statement runs).
func TestGoStatementForms(t *testing.T) {
	s := newSession(t)
	res, rec := run(t, s, `import ("fmt"; "sync")
type W struct{ name string }
func (w W) Run(wg *sync.WaitGroup, n int) { defer wg.Done(); fmt.Println(w.name, n) }
func spawn(wg *sync.WaitGroup) { wg.Add(1); go W{"inner"}.Run(wg, 2) }
var wg sync.WaitGroup
w := W{"outer"}
wg.Add(1)
go w.Run(&wg, 1)
spawn(&wg)
wg.Add(1)
go wg.Done()
wg.Wait()
ch := make(chan int)
for i := 0; i < 3; i++ {
	go func(i int) { ch <- i * 10 }(i)
}
sum := 0
for i := 0; i < 3; i++ { sum += <-ch }
sum`)
	if plain(res) != "30" || !strings.Contains(rec.stdout(), "inner 2") || !strings.Contains(rec.stdout(), "outer 1") {
		t.Errorf("sum = %s, stdout %q", plain(res), rec.stdout())
	}
}

// yaegi v0.16.1 miscompiles a multi-value assignment in a block at a cell's
// top level; the session moves such statements into a function scope.
func TestTopLevelBlocksWithMultiValueAssign(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\n\t\"fmt\"\n\t\"strconv\"\n)\nvar xs = []any{1, \"a\", 2}\nm := map[string]int{\"a\": 1}")
	tests := []struct{ code, want string }{
		{"total := 0\nfor _, s := range []string{\"1\", \"2\"} {\n\tn, err := strconv.Atoi(s)\n\tif err == nil {\n\t\ttotal += n\n\t}\n}\ntotal", "3"},
		{"ints := 0\nfor _, x := range xs {\n\tif _, ok := x.(int); ok {\n\t\tints++\n\t}\n}\nints", "2"},
		{"found := false\nif _, ok := m[\"a\"]; ok {\n\tfound = true\n}\nfound", "true"},
		{"sum := 0\n{\n\ta, b := 1, 2\n\tc, d := strconv.Atoi(\"4\")\n\t_ = d\n\tsum = a + b + c\n}\nsum", "7"},
		{"outer:\nfor i := 0; i < 3; i++ {\n\tfor j := 0; j < 3; j++ {\n\t\tv, _ := strconv.Atoi(fmt.Sprint(i * j))\n\t\tif v == 2 {\n\t\t\tfmt.Println(i, j)\n\t\t\tbreak outer\n\t\t}\n\t}\n}", "<nil bundle>"},
	}
	for _, tt := range tests {
		res, rec := run(t, s, tt.code)
		if got := plain(res); got != tt.want {
			t.Errorf("%q = %q, want %q (stderr %q)", tt.code, got, tt.want, rec.stderr())
		}
	}
	// A panic in such a statement is the cell's error, as before.
	_, _, e := try(t, s, "for i := 0; i < 1; i++ {\n\ta, b := strconv.Atoi(\"x\")\n\t_ = a\n\tpanic(b)\n}")
	if e == nil || e.Name != "*strconv.NumError" || !strings.Contains(strings.Join(e.Traceback, "\n"), "line 1") {
		t.Errorf("panic in a wrapped loop: %#v", e)
	}
}
