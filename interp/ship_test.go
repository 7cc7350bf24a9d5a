package interp

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/warren-go/warren/parallel"
)

// shipBackend is a parallel.Backend that runs each task in a second
// session, the way a cluster worker does: ShipFunc in the driver's session,
// LoadFunc with Source as the fetch in the worker's. No NATS.
type shipBackend struct {
	driver, worker *Session
	mu             sync.Mutex // one load and call at a time in the worker
	fetched        []string
}

func (b *shipBackend) Feasible(float64, map[string]float64) error { return nil }
func (b *shipBackend) Close() error                               { return nil }

// shipped is what Prepare puts in RemoteTask.Code.
type shipped struct {
	name  string
	decls []string
}

func (b *shipBackend) Prepare(t *parallel.RemoteTask) error {
	name, decls, err := b.driver.ShipFunc(t.Func)
	if err != nil {
		return err
	}
	t.Code = shipped{name, decls}
	return nil
}

func (b *shipBackend) Submit(t *parallel.RemoteTask) error {
	name, decls := t.Code.(shipped).name, t.Code.(shipped).decls
	go func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		fetch := func(ctx context.Context, h string) ([]byte, error) {
			b.fetched = append(b.fetched, h)
			return b.driver.Source(h)
		}
		fn, err := b.worker.LoadFunc(context.Background(), name, decls, fetch)
		if err != nil {
			t.Done(parallel.RemoteResult{Err: err})
			return
		}
		in := make([]reflect.Value, len(t.Args))
		for i, a := range t.Args {
			in[i] = a.Value
		}
		var res parallel.RemoteResult
		for _, v := range fn.Call(in)[:len(t.Results)] {
			res.Values = append(res.Values, v.Interface())
		}
		t.Done(res)
	}()
	return nil
}

// newShipPair returns a driver session whose ray runtime sends its tasks
// to a worker session through a shipBackend.
func newShipPair(t *testing.T) (*Session, *shipBackend) {
	t.Helper()
	driver := newRaySession(t)
	b := &shipBackend{driver: driver, worker: newSession(t)}
	parallel.SetDialer(func(string) (parallel.Backend, error) { return b, nil })
	t.Cleanup(func() { parallel.SetDialer(nil) })
	parallel.Init(parallel.NumCPUs(2), parallel.Address("test://worker"))
	return driver, b
}

// Functions, types with methods, constants, imports and function literals
// of a driver's cells run in a worker session that replayed only their
// declarations.
func TestShipReplaysDeclarations(t *testing.T) {
	driver, b := newShipPair(t)
	run(t, driver, `import (
	"strings"
	"fmt"
)`)
	run(t, driver, `type Point struct{ X, Y int }

func (p Point) Sum() int { return p.X + p.Y }

const scale = 3

func helper(p Point) int { return p.Sum() * scale }

func work(x int) int { return helper(Point{x, x + 1}) }

statementVar := 42`)
	res, _ := run(t, driver, `rf := ray.Remote(work)
ray.Get(rf.Remote(2))`)
	if got := plain(res); got != "15" {
		t.Errorf("work(2) on the worker = %s, want 15", got)
	}
	res, _ = run(t, driver, `ray.Get(ray.Remote(func(n int) string { return strings.Repeat("ab", n) }).Remote(3))`)
	if got := plain(res); got != `"ababab"` {
		t.Errorf("literal on the worker = %s, want \"ababab\"", got)
	}
	// A variable holding a remote function is replayed; the literal using
	// it names it.
	run(t, driver, `var inner = ray.Remote(func(x int) int { return x * 10 }).Options(ray.TaskCPUs(1))
var outer = ray.Remote(func() string { return inner.Name() })`)
	res, _ = run(t, driver, `ray.Get(outer.Remote())`)
	if got := plain(res); got != `"inner"` {
		t.Errorf("inner.Name() on the worker = %s, want \"inner\"", got)
	}
	// A compiled function of an imported package.
	res, _ = run(t, driver, `ray.Get(ray.Remote(strings.ToUpper).Remote("go"))`)
	if got := plain(res); got != `"GO"` {
		t.Errorf("strings.ToUpper on the worker = %s", got)
	}
	// Units are fetched once: a second task of work fetches nothing.
	b.mu.Lock()
	before := len(b.fetched)
	b.mu.Unlock()
	run(t, driver, `ray.Get(rf.Remote(5))`)
	b.mu.Lock()
	after := len(b.fetched)
	b.mu.Unlock()
	if after != before {
		t.Errorf("a second task of work fetched %d units again", after-before)
	}
	// The worker logged what it replayed under the driver's hashes: its
	// own nested tasks ship the same units.
	b.mu.Lock()
	for _, h := range b.fetched {
		want, _ := driver.Source(h)
		if got, err := b.worker.Source(h); err != nil || string(got) != string(want) {
			t.Errorf("worker's unit %s = %q, %v; want the driver's %q", h, got, err, want)
		}
	}
	b.mu.Unlock()
	// The worker did not run the cells' statements.
	if _, ok := b.worker.i.Globals()["statementVar"]; ok {
		t.Errorf("the worker ran a statement of the driver's cells")
	}
}

// A function a worker cannot have is refused at submit with what to do.
func TestShipRefuses(t *testing.T) {
	driver, _ := newShipPair(t)
	run(t, driver, `type pt struct{ X int }

var data = []pt{{1}, {2}, {3}}

func useData(i int) int { return data[i].X }

func viaHelper(i int) int { return useData(i) + 1 }

func double(x int) int { return 2 * x }

func Map[T any](xs []T) int { return len(xs) }

var r2 = ray.Remote(double)`)
	run(t, driver, `r2 = ray.Remote(viaHelper)`)
	run(t, driver, `import (
	"math"
	"time"
)`)
	run(t, driver, `var nan float64 = math.NaN()
big := make([]int, 30000)
var when time.Duration = time.Second
var untold = math.Sqrt(2)`)
	for _, c := range []struct{ code, want string }{
		{`ray.Get(ray.Remote(useData).Remote(0))`, "uses the top-level variable data, which the statements of cell["},
		{`ray.Get(ray.Remote(useData).Remote(0))`, "its value of type []pt is not made of Go's predeclared types"},
		{`ray.Get(ray.Remote(viaHelper).Remote(0))`, "(through useData)"},
		{`for k := 1; k < 2; k++ {
	ray.Get(ray.Remote(func(x int) int { return x + k }).Remote(1))
}`, "uses k of the code around it"},
		{`func mk(k int) *ray.RemoteFunction { return ray.Remote(func(x int) int { return x + k }) }
ray.Get(mk(1).Remote(1))`, "uses k of the code around it"},
		{`f := double
ray.Get(ray.Remote(f).Remote(1))`, "f is a variable of the cell"},
		{`func sub(fn func(int) int) int { return ray.Get(ray.Remote(fn).Remote(1)).(int) }
sub(double)`, "fn is a local variable"},
		{`ray.Get(ray.Remote(func(x int) int { return ray.Get(r2.Remote(x)).(int) }).Remote(1))`, "uses the top-level variable r2, which cell["},
		{`ray.Get(ray.Remote(func() bool { return nan != nan }).Remote())`, "holds NaN, which no Go constant is"},
		{`ray.Get(ray.Remote(func() int { return len(big) }).Remote())`, "is more than 64 KB as Go source"},
		{`ray.Get(ray.Remote(func() time.Duration { return when }).Remote())`, "of type time.Duration is not made of Go's predeclared types"},
		{`ray.Get(ray.Remote(func() float64 { return untold }).Remote())`, "warren cannot tell its type (declare it with one: var untold T = …)"},
		{`type adder struct{ k int }
func (a adder) add(x int) int { return x + a.k }
ray.Get(ray.Remote(adder{1}.add).Remote(1))`, "is a method value or a field"},
		{`ray.Get(ray.Remote(Map[int]).Remote([]int{1}))`, "an expression a worker cannot rebuild"},
	} {
		_, _, err := try(t, driver, c.code)
		if err == nil {
			t.Errorf("%s: ran on the worker, want an error containing %q", c.code, c.want)
			continue
		}
		if err.Name != "InvalidCall" || !strings.Contains(err.Value, c.want) || !strings.Contains(err.Value, "cannot run on a cluster worker") {
			t.Errorf("%s: error %s: %q, want an InvalidCall at submit containing %q", c.code, err.Name, err.Value, c.want)
		}
	}
	// In one process nothing changes: the same function runs.
	parallel.Shutdown()
	res, _ := run(t, driver, `ray.Get(ray.Remote(useData).Remote(2))`)
	if got := plain(res); got != "3" {
		t.Errorf("in-process useData(2) = %s", got)
	}
}

// LoadFunc's errors name the driver's cell and line, an unknown function,
// and a source that does not match its hash.
func TestShipLoadErrors(t *testing.T) {
	w := newSession(t)
	unit := []byte("//warren:cell 7 line 3\nfunc bad() int {\n\treturn undefinedName\n}")
	sum := sha256.Sum256(unit)
	h := hex.EncodeToString(sum[:])
	fetch := func(_ context.Context, hash string) ([]byte, error) {
		if hash == h {
			return unit, nil
		}
		if hash == "bogus" {
			return []byte("func x() {}"), nil
		}
		return nil, errors.New("no such unit")
	}
	ctx := context.Background()
	_, err := w.LoadFunc(ctx, "bad", []string{h}, fetch)
	if err == nil || !strings.Contains(err.Error(), "cell[7] line 4") || !strings.Contains(err.Error(), "undefinedName") {
		t.Errorf("replay error = %v, want cell[7] line 4 and the undefined name", err)
	}
	if _, err := w.LoadFunc(ctx, "nosuch", nil, fetch); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown name: %v", err)
	}
	if _, err := w.LoadFunc(ctx, "x", []string{"bogus"}, fetch); err == nil || !strings.Contains(err.Error(), "hash") {
		t.Errorf("hash mismatch: %v", err)
	}
	if _, err := w.LoadFunc(ctx, "x", []string{"missing"}, fetch); err == nil || !strings.Contains(err.Error(), "no such unit") {
		t.Errorf("fetch error: %v", err)
	}
}

// The log keeps the declarations as the cells wrote them, content-addressed,
// and a redefined function ships its new body.
func TestShipLog(t *testing.T) {
	driver, _ := newShipPair(t)
	run(t, driver, `func f() int { return 1 }`)
	res, _ := run(t, driver, `ray.Get(ray.Remote(f).Remote())`)
	if plain(res) != "1" {
		t.Fatalf("f() = %s", plain(res))
	}
	run(t, driver, `func f() int { return 2 }`)
	res, _ = run(t, driver, `ray.Get(ray.Remote(f).Remote())`)
	if plain(res) != "2" {
		t.Errorf("redefined f() on the worker = %s, want 2", plain(res))
	}
	driver.ship.mu.Lock()
	defer driver.ship.mu.Unlock()
	u := driver.ship.byName["f"]
	if u == nil {
		t.Fatal("f is not logged")
	}
	if want := "//warren:cell"; !strings.HasPrefix(u.src, want) || !strings.Contains(u.src, "func f() int { return 2 }") {
		t.Errorf("unit source %q", u.src)
	}
	sum := sha256.Sum256([]byte(u.src))
	if u.hash != hex.EncodeToString(sum[:]) {
		t.Errorf("hash %s is not the sha256 of the source", u.hash)
	}
	for n, v := range driver.ship.byName {
		if v.kind == unitVar && v.why == "" {
			t.Errorf("%s: a replayable variable, but no cell declared one", n)
		}
	}
}

// Generic functions, mutually recursive functions, methods, a short
// variable declaration holding a remote function, and a literal inside a
// function ship with what they need; func main and init do not run on the
// worker.
func TestShipDependencies(t *testing.T) {
	driver, b := newShipPair(t)
	run(t, driver, `import "fmt"

func Double[T int | float64](x T) T { return 2 * x }

func isEven(n int) bool {
	if n == 0 {
		return true
	}
	return isOdd(n - 1)
}

func isOdd(n int) bool {
	if n == 0 {
		return false
	}
	return isEven(n - 1)
}

type Counter struct{ n int }

func (c *Counter) Add(k int) { c.n += k }

func (c Counter) String() string { return fmt.Sprintf("Counter(%d)", c.n) }

func count(k int) string {
	var c Counter
	c.Add(Double(k))
	return c.String()
}

var ran = 0

func init() { ran++ }

func main() { ran += 10 }`)
	res, _ := run(t, driver, `ray.Get(ray.Remote(isEven).Remote(7))`)
	if plain(res) != "false" {
		t.Errorf("isEven(7) on the worker = %s", plain(res))
	}
	res, _ = run(t, driver, `ray.Get(ray.Remote(count).Remote(4))`)
	if plain(res) != `"Counter(8)"` {
		t.Errorf("count(4) on the worker = %s", plain(res))
	}
	res, _ = run(t, driver, `cnt := ray.Remote(count)
ray.Get(ray.Remote(func() string { return cnt.Name() }).Remote())`)
	if plain(res) != `"count"` { // named after the function, as in the driver
		t.Errorf("cnt.Name() on the worker = %s", plain(res))
	}
	run(t, driver, `func maker() *ray.RemoteFunction {
	return ray.Remote(func(x int) int { return Double(x) + 1 })
}`)
	res, _ = run(t, driver, `ray.Get(maker().Remote(20))`)
	if plain(res) != "41" {
		t.Errorf("a literal made in a function, on the worker = %s", plain(res))
	}
	if _, ok := b.worker.i.Globals()["ran"]; ok {
		t.Errorf("the worker declared ran: a variable no shipped function needs")
	}
}

// A package fetched into the native workspace (one the worker's binary
// does not carry) needs its module unit, the exact version the session
// built it with, before its import: without a recorded version it is
// refused, directly or through a function.
func TestShipModules(t *testing.T) {
	l := newShipLog(map[string]bool{"fmt": true})
	l.add(&declUnit{src: `import "example.com/mod"`, kind: unitImport, cell: 1, line: 1, names: []string{"mod"}, path: "example.com/mod"})
	l.add(&declUnit{src: "func f() { mod.F() }", kind: unitDecl, cell: 2, line: 1, names: []string{"f"}, refs: map[string]bool{"mod": true}})
	l.add(&declUnit{src: "func g() { f() }", kind: unitDecl, cell: 3, line: 1, names: []string{"g"}, refs: map[string]bool{"f": true}})
	for _, key := range []string{"g", "sel:mod.F"} {
		if _, _, _, err := l.ship(key, nil); err == nil || !strings.Contains(err.Error(), "did not record which version of its module") {
			t.Errorf("ship(%q) = %v, want a refusal saying the module version is unknown", key, err)
		}
	}
	l.nat.modules = map[string]*declUnit{"example.com/mod": l.moduleUnit("example.com/mod@v1.2.3")}
	mod := l.byHash[l.nat.modules["example.com/mod"].hash]
	if mod == nil || mod.src != "%go get example.com/mod@v1.2.3" {
		t.Fatalf("module unit = %+v", mod)
	}
	srcs := func(decls []string) []string {
		var out []string
		for _, h := range decls {
			out = append(out, strings.SplitN(l.byHash[h].src, "\n", 2)[len(strings.SplitN(l.byHash[h].src, "\n", 2))-1])
		}
		return out
	}
	_, decls, _, err := l.ship("g", nil)
	if got := strings.Join(srcs(decls), "; "); err != nil || got != `%go get example.com/mod@v1.2.3; import "example.com/mod"; func f() { mod.F() }; func g() { f() }` {
		t.Errorf("ship(g) = %s, %v", got, err)
	}
	_, decls, _, err = l.ship("sel:mod.F", nil)
	if got := strings.Join(srcs(decls), "; "); err != nil || got != `%go get example.com/mod@v1.2.3; import "example.com/mod"` {
		t.Errorf("ship(mod.F) = %s, %v", got, err)
	}
	l.add(&declUnit{src: `import "fmt"`, kind: unitImport, cell: 4, line: 1, names: []string{"fmt"}, path: "fmt"})
	if name, decls, _, err := l.ship("sel:fmt.Sprint", nil); err != nil || name != "fmt.Sprint" || len(decls) != 1 {
		t.Errorf("ship(fmt.Sprint) = %q, %v, %v", name, decls, err)
	}
}

// The Ship hook around ray.Remote's argument keeps the columns of errors
// in the argument as the cell wrote them.
func TestShipKeepsColumns(t *testing.T) {
	s := newRaySession(t)
	_, _, err := try(t, s, `f := ray.Remote(func(x int) int { return "s" })`)
	if err == nil || !strings.Contains(err.Value, "line 1:42:") {
		t.Errorf("error %v, want it at line 1:42 (the string literal)", err)
	}
}

// A function declared again after a function that uses it: the session
// still calls the first one from the older function, so shipping the older
// function is refused until its cell runs again; methods keep their first
// declaration, on the worker as in the session.
func TestShipRedeclared(t *testing.T) {
	driver, _ := newShipPair(t)
	work := `func helper() int { return 1 }

func work() int { return helper() }`
	run(t, driver, work)
	run(t, driver, `func helper() int { return 2 }`)
	res, _ := run(t, driver, `work()`)
	if plain(res) != "1" {
		t.Fatalf("in the session, work() = %s after helper was declared again (the test assumes 1)", plain(res))
	}
	_, _, err := try(t, driver, `ray.Get(ray.Remote(work).Remote())`)
	if err == nil || !strings.Contains(err.Value, "work uses helper, which cell[") || !strings.Contains(err.Value, "run cell[") {
		t.Errorf("shipping work after helper changed: %v, want a refusal naming helper", err)
	}
	run(t, driver, work)
	run(t, driver, `func helper() int { return 3 }

func work2() int { return helper() }`)
	res, _ = run(t, driver, `ray.GetAll(ray.Remote(work2).Remote(), ray.Remote(helper).Remote())`)
	if plain(res) != "[3 3]" {
		t.Errorf("work2 and helper on the worker = %s, want [3 3]", plain(res))
	}
	run(t, driver, `type T struct{}

func (T) M() int { return 1 }`)
	run(t, driver, `func (T) M() int { return 2 }`)
	res, _ = run(t, driver, `ray.GetAll(ray.Remote(func() int { return T{}.M() }).Remote())`)
	inSession, _ := run(t, driver, `T{}.M()`)
	if plain(res) != "["+plain(inSession)+"]" {
		t.Errorf("T{}.M() on the worker = %s, in the session %s", plain(res), plain(inSession))
	}
}

// Top-level variables of predeclared types travel with the functions that
// use them, directly or through other functions: the worker sees the value
// each had when the task was submitted, changed values included.
func TestShipVarsTravel(t *testing.T) {
	driver, b := newShipPair(t)
	run(t, driver, `import "fmt"`)
	run(t, driver, `var target = []float64{1, 2, 3}

var cfg = map[string]int{"x": 1, "y": 2}

var grid [2][2]int

var mixed = []any{1, "two", 3.5, nil, []int{4}, map[string]bool{"t": true}}

var n = 5

func shardMean(off float64) []float64 {
	m := make([]float64, len(target))
	for i, t := range target {
		m[i] = t + off
	}
	return m
}`)
	run(t, driver, `words := []string{"a", "b\n\"c\""}
grid[1][1] = 7
var small float32 = 0.1`)
	run(t, driver, `func probe() string { return fmt.Sprint(shardMean(0.5), words, cfg, grid, mixed, n, small) }`)
	local, _ := run(t, driver, `probe()`)
	remote, _ := run(t, driver, `ray.Get(ray.Remote(probe).Remote())`)
	if plain(remote) != plain(local) || !strings.Contains(plain(local), "[1.5 2.5 3.5]") {
		t.Fatalf("probe on the worker = %s, in process %s", plain(remote), plain(local))
	}
	// Changed values reach the worker with the next task, and a value
	// changed back too.
	for _, c := range []struct{ code, want string }{
		{`target[0] = 10; n = 6; cfg["z"] = 3`, "[10.5 2.5 3.5]"},
		{`target[0] = 1; n = 5; delete(cfg, "z")`, "[1.5 2.5 3.5]"},
		{`target = append(target, 4)`, "[1.5 2.5 3.5 4.5]"},
	} {
		run(t, driver, c.code)
		local, _ := run(t, driver, `probe()`)
		remote, _ := run(t, driver, `ray.Get(ray.Remote(probe).Remote())`)
		if plain(remote) != plain(local) || !strings.Contains(plain(local), c.want) {
			t.Errorf("after %s: probe on the worker = %s, in process %s", c.code, plain(remote), plain(local))
		}
	}
	if _, ok := b.worker.i.Globals()["target"]; !ok {
		t.Errorf("the worker has no variable target")
	}
	// A variable of the cell that submits, declared again, or assigned
	// there, travels with the value it has at the submit.
	for _, c := range []struct{ code, want string }{
		{"k := 5\nray.Get(ray.Remote(func() int { return k }).Remote())", "5"},
		{"k := 7\nray.Get(ray.Remote(func() int { return k }).Remote())", "7"},
		{"k = 9\nray.Get(ray.Remote(func() int { return k }).Remote())", "9"},
	} {
		if res, _ := run(t, driver, c.code); plain(res) != c.want {
			t.Errorf("%s on the worker = %s, want %s", c.code, plain(res), c.want)
		}
	}
	// A value unchanged since the last task ships nothing new.
	b.mu.Lock()
	before := len(b.fetched)
	b.mu.Unlock()
	run(t, driver, `ray.Get(ray.Remote(probe).Remote())`)
	b.mu.Lock()
	after := len(b.fetched)
	b.mu.Unlock()
	if after != before {
		t.Errorf("a task with unchanged variables fetched %d units", after-before)
	}
}

// A worker applies the values of a variable in version order per session
// log (tasks may arrive out of order), and a later session's values (a
// restarted kernel) reach the functions compiled for the earlier one.
func TestShipVarsOnWorker(t *testing.T) {
	w := newSession(t)
	us := unitStore{}
	decl, get := us.add(1, "var target []float64"), us.add(1, "func get() []float64 { return target }")
	assign := func(log string, n int, lit string) string {
		return us.add(1, fmt.Sprintf(assignHead+"target = []float64{%s}", "target", n, log, lit))
	}
	for _, c := range []struct {
		assign string
		want   string
	}{
		{assign("a", 2, "2"), "[2]"},
		{assign("a", 1, "1"), "[2]"}, // older: skipped
		{assign("a", 3, "3"), "[3]"},
		{assign("b", 1, "10"), "[10]"}, // another session's first value
	} {
		fn, err := w.LoadFunc(context.Background(), "get", []string{decl, get, c.assign}, us.fetch)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(fn.Call(nil)[0].Interface()); got != c.want {
			t.Errorf("get() = %s, want %s", got, c.want)
		}
	}
}
