package interp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// newRaySession returns a session installed as the ray runtime's host, with
// a fresh runtime.
func newRaySession(t testing.TB) *Session {
	t.Helper()
	parallel.Shutdown()
	s, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		parallel.Shutdown()
	})
	return s
}

func TestRayInCell(t *testing.T) {
	s := newRaySession(t)
	res, _ := run(t, s, `ray.Init(ray.NumCPUs(2))
sq := ray.Remote(func(x int) int { return x * x })
var refs []ray.ObjectRef
for i := 0; i < 10; i++ {
	refs = append(refs, sq.Remote(i))
}
ray.GetAll(refs...)`)
	if got := plain(res); got != "[0 1 4 9 16 25 36 49 64 81]" {
		t.Errorf("GetAll = %s", got)
	}
	// Explicit import of the auto-imported package is fine too.
	res, _ = run(t, s, "import \"ray\"\nray.Get(sq.Remote(7))")
	if plain(res) != "49" {
		t.Errorf("Get = %s", plain(res))
	}
}

// A cell that declares globals, functions and types while interpreted tasks
// of an earlier cell still run: race-clean thanks to the gate.
func TestRayCompileWhileTasksRun(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `ray.Init(ray.NumCPUs(2))
func busy(n int) int {
	total := 0
	for i := 0; i < n; i++ {
		m := map[int]int{i: i}
		total += m[i] % 7
	}
	return total
}
work := ray.Remote(func(n int) int { return busy(n) })
var pending []ray.ObjectRef
for i := 0; i < 8; i++ {
	pending = append(pending, work.Remote(20000))
}`)
	for i := 0; i < 5; i++ {
		run(t, s, fmt.Sprintf(`type T%d struct{ A, B int }
func helper%d(x int) int { return x + %d }
g%d := helper%d(1)
h%d := T%d{A: g%d}
_ = h%d`, i, i, i, i, i, i, i, i, i))
	}
	res, _ := run(t, s, "ray.GetAll(pending...)")
	want := fmt.Sprint(func() []int {
		total := 0
		for i := 0; i < 20000; i++ {
			total += i % 7
		}
		out := make([]int, 8)
		for i := range out {
			out[i] = total
		}
		return out
	}())
	if plain(res) != want {
		t.Errorf("results %s, want %s", plain(res), want)
	}
}

func TestRayTaskErrorInCell(t *testing.T) {
	s := newRaySession(t)
	run(t, s, "ray.Init(ray.NumCPUs(2))\nfunc fail(x int) int {\n\tif x > 1 {\n\t\tpanic(\"too big\")\n\t}\n\treturn x\n}")
	_, rec, e := try(t, s, "f := ray.Remote(fail)\nray.Get(f.Remote(5))")
	if e == nil || e.Name != "TaskError" || !strings.Contains(e.Value, "too big") {
		t.Fatalf("error = %#v", e)
	}
	if !strings.Contains(e.Value, "task fail ") {
		t.Errorf("the task is not named after the cell's function: %q", e.Value)
	}
	tb := strings.Join(e.Traceback, "\n")
	if !strings.Contains(tb, "fail") {
		t.Errorf("traceback lacks the remote frame: %s", tb)
	}
	if strings.Contains(rec.stderr(), "panic") {
		t.Errorf("duplicate panic on stderr: %q", rec.stderr())
	}
	t.Logf("traceback:\n%s", tb)
	res, _ := run(t, s, "ray.Get(f.Remote(1))")
	if plain(res) != "1" {
		t.Errorf("next task = %v", res)
	}
}

// Prints of a task go to the cell that submitted it, also when it prints
// while a later cell runs.
func TestRayTaskOutputRouting(t *testing.T) {
	s := newRaySession(t)
	_, first := run(t, s, `import ("fmt"; "time")
ray.Init(ray.NumCPUs(2))
slow := ray.Remote(func() int { time.Sleep(150 * time.Millisecond); fmt.Println("from task"); return 1 })
ref := slow.Remote()`)
	_, second := run(t, s, "time.Sleep(400 * time.Millisecond)\nray.Get(ref)")
	if !strings.Contains(first.stdout(), "from task") {
		t.Errorf("first cell stdout = %q", first.stdout())
	}
	if strings.Contains(second.stdout(), "from task") {
		t.Errorf("task output went to the later cell")
	}
}

// An interrupt cancels the cell's tasks and aborts interpreted tasks in
// flight: they end as cancelled, never as zero-value successes.
func TestRayInterrupt(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import ("context"; "time")
ray.Init(ray.NumCPUs(2))
spin := ray.Remote(func() int { for { } ; return 1 })
sleepy := ray.Remote(func() int { time.Sleep(time.Hour); return 2 })
refs := []ray.ObjectRef{spin.Remote(), sleepy.Remote()}`)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, _, e := tryCtx(ctx, t, s, "ray.GetAll(refs...)")
	if e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("error = %v", e)
	}
	// A hang guard: the tasks spin or sleep for an hour unless aborted.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("interrupt took %v", d)
	}
	res, _ := run(t, s, `ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
defer cancel()
_, err0 := ray.GetContext(ctx, refs[0])
_, err1 := ray.GetContext(ctx, refs[1])
[]bool{err0 != nil, err1 != nil}`)
	if plain(res) != "[true true]" {
		t.Errorf("aborted tasks reported success: %s", plain(res))
	}
	res, _ = run(t, s, "ok := ray.Remote(func(x int) int { return x + 1 })\nray.Get(ok.Remote(1))")
	if plain(res) != "2" {
		t.Errorf("after interrupt: %s", plain(res))
	}
}

// Waiting for the gate is interruptible: a declaration that waits for a
// long task of an earlier cell returns when interrupted.
func TestRayInterruptWhileWaitingForGate(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import "time"
ray.Init(ray.NumCPUs(1))
func spinFor(d time.Duration) int {
	end := time.Now().Add(d)
	n := 0
	for time.Now().Before(end) {
		n++
	}
	return 1
}
long := ray.Remote(func() int { return spinFor(30 * time.Second) })
lref := long.Remote()`)
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, e := tryCtx(ctx, t, s, "func later() {}")
	if e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("error = %v", e)
	}
	// A hang guard: waiting for the spinning task would take 30 s.
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("took %v", d)
	}
	ray := func() {}
	_ = ray
}

// BenchmarkInterpretedTasks submits N trivial interpreted task bodies
// through a Session and waits for them with GetAll.
func BenchmarkInterpretedTasks(b *testing.B) {
	s := newRaySession(b)
	run(b, s, "ray.Init(ray.NumCPUs(2))\ninc := ray.Remote(func(x int) int { return x + 1 })\nvar n int")
	b.ResetTimer()
	start := time.Now()
	run(b, s, fmt.Sprintf(`n = %d
refs := make([]ray.ObjectRef, n)
for i := range refs {
	refs[i] = inc.Remote(i)
}
_ = ray.GetAll(refs...)`, b.N))
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tasks/s")
}

// BenchmarkInterpretedTasksBaseline runs the same interpreted body as
// BenchmarkInterpretedTasks without the runtime: one goroutine per call, at
// most two at a time (like NumCPUs(2)), results collected over a channel.
func BenchmarkInterpretedTasksBaseline(b *testing.B) {
	s := newSession(b)
	run(b, s, "inc := func(x int) int { return x + 1 }")
	v, err := s.i.Eval("inc")
	if err != nil {
		b.Fatal(err)
	}
	inc := v.Interface().(func(int) int)
	b.ResetTimer()
	start := time.Now()
	results := make(chan int, 1024)
	slots := make(chan struct{}, 2)
	go func() {
		for i := 0; i < b.N; i++ {
			slots <- struct{}{}
			go func(i int) {
				r := inc(i)
				<-slots
				results <- r
			}(i)
		}
	}()
	for i := 0; i < b.N; i++ {
		<-results
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "tasks/s")
}

// BenchmarkTrivialCell measures Execute of `x := 1 + 1`.
func BenchmarkTrivialCell(b *testing.B) {
	s := newSession(b)
	out := newRecorder()
	for i := 0; i < b.N; i++ {
		if _, err := s.Execute(context.Background(), fmt.Sprint("c", i), "x := 1 + 1", out); err != nil {
			b.Fatal(err)
		}
	}
}

// After an interrupt, named functions, closures and ray remote functions of
// earlier cells still work (see reviveRun).
func TestAfterInterruptEarlierDefinitions(t *testing.T) {
	s := newRaySession(t)
	run(t, s, "ray.Init(ray.NumCPUs(2))\nsq := ray.Remote(func(x int) int { return x * x })\nfunc plus(x int) int { return x + 1 }\nclosure := func(x int) int { return x * 10 }")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	if _, _, e := tryCtx(ctx, t, s, "for {}"); e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("error = %v", e)
	}
	if res, _ := run(t, s, "ray.Get(sq.Remote(3))"); plain(res) != "9" {
		t.Errorf("remote function after interrupt = %s", plain(res))
	}
	if res, _ := run(t, s, "plus(3)"); plain(res) != "4" {
		t.Errorf("named function after interrupt = %s", plain(res))
	}
	if res, _ := run(t, s, "closure(3)"); plain(res) != "30" {
		t.Errorf("closure made before the interrupt returns %s", plain(res))
	}
}

// Closures given to ray.Remote in a loop see each iteration's variable.
func TestRayRemoteClosuresInLoop(t *testing.T) {
	s := newRaySession(t)
	res, _ := run(t, s, `var refs []ray.ObjectRef
for i := 0; i < 3; i++ {
	refs = append(refs, ray.Remote(func() int { return i * i }).Remote())
}
ray.GetAll(refs...)`)
	if got := plain(res); got != "[0 1 4]" {
		t.Errorf("GetAll = %s, want [0 1 4]", got)
	}
}
