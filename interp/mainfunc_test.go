package interp

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A whole program pasted into a cell prints what `go run` prints: package
// variables in dependency order, init, then main, once.
func TestMainPastedProgram(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, `package main

import "fmt"

var total = compute()

func compute() int { return base * 2 }

var base = 21

func init() { fmt.Println("init", total) }

func main() {
	fmt.Println("main", total)
}`)
	if got, want := rec.stdout(), "init 42\nmain 42\n"; got != want {
		t.Errorf("program printed %q, want %q", got, want)
	}
	// Later cells never run main again; calling it runs it once.
	_, rec = run(t, s, `fmt.Println("y")`)
	if got := rec.stdout(); got != "y\n" {
		t.Errorf("later cell printed %q, want %q", got, "y\n")
	}
	_, rec = run(t, s, "main()")
	if got := rec.stdout(); got != "main 42\n" {
		t.Errorf("main() printed %q", got)
	}
	_, rec = run(t, s, "x := 1")
	if got := rec.stdout(); got != "" {
		t.Errorf("a later cell printed %q", got)
	}
}

// A cell that declares main and calls it runs it once; so does a program
// whose main is declared before other declarations it uses.
func TestMainCalledInCell(t *testing.T) {
	s := newSession(t)
	_, rec := run(t, s, `import "fmt"
func main() { fmt.Println("hello", greeting()) }
func greeting() string { return "world" }
main()`)
	if got := rec.stdout(); got != "hello world\n" {
		t.Errorf("printed %q, want one hello", got)
	}
	// Redeclared: the new main runs once, after the cell's statements.
	_, rec = run(t, s, `func main() { fmt.Println("second") }
fmt.Println("first")`)
	if got := rec.stdout(); got != "first\nsecond\n" {
		t.Errorf("printed %q", got)
	}
	// A trailing expression is still the cell's value.
	res, rec := run(t, s, "func main() { fmt.Println(\"m\") }\n1 + 2")
	if plain(res) != "3" || rec.stdout() != "m\n" {
		t.Errorf("value %q, printed %q", plain(res), rec.stdout())
	}
}

// Names in errors are the cell's: main, not the renamed function.
func TestMainErrorsNameMain(t *testing.T) {
	s := newSession(t)
	_, _, e := try(t, s, "func main() {\n\tpanic(\"boom\")\n}")
	if e == nil || e.Value != "boom" {
		t.Fatalf("error = %v", e)
	}
	tb := strings.Join(e.Traceback, "\n")
	if !strings.Contains(tb, "at main (line 2:2)") || strings.Contains(tb, "__warren") {
		t.Errorf("traceback:\n%s", tb)
	}
	_, _, e = try(t, s, "func main() { undefinedThing() }")
	if e == nil || e.Name != "CompileError" || !strings.Contains(e.Value, "line 1:15: undefined: undefinedThing") {
		t.Errorf("error = %v", e)
	}
	_, _, e = try(t, s, "main(1)")
	if e == nil || strings.Contains(strings.Join(e.Traceback, "\n"), "__warren") {
		t.Errorf("error = %v", e)
	}
}

// Fields, selectors and labels named main are not the function.
func TestMainOtherIdentifiers(t *testing.T) {
	s := newSession(t)
	res, _ := run(t, s, `import "fmt"
type app struct{ main string }
a := app{main: "field"}
main := a.main
fmt.Sprint(a, " ", main)`)
	if got, want := plain(res), `"{field} field"`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// main runs as a statement, not while the declaration compiles: ray tasks
// it starts run, and an interrupt ends it.
func TestMainWithRayAndInterrupt(t *testing.T) {
	s := newRaySession(t)
	_, rec := run(t, s, `import "fmt"
func main() {
	ray.Init(ray.NumCPUs(2))
	sq := ray.Remote(func(x int) int { return x * x })
	var refs []ray.ObjectRef
	for i := 0; i < 4; i++ {
		refs = append(refs, sq.Remote(i))
	}
	fmt.Println(ray.GetAll(refs...))
}`)
	if got := rec.stdout(); got != "[0 1 4 9]\n" {
		t.Errorf("main printed %q", got)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, _, e := tryCtx(ctx, t, s, `import "time"
func main() {
	slow := ray.Remote(func() int { time.Sleep(time.Hour); return 1 })
	ray.Get(slow.Remote())
}`)
	if e == nil || e.Name != "KeyboardInterrupt" {
		t.Fatalf("error = %v, want KeyboardInterrupt", e)
	}
	res, _ := run(t, s, "1 + 1")
	if plain(res) != "2" {
		t.Errorf("after interrupt: %v", res)
	}
}

func TestUserText(t *testing.T) {
	for in, want := range map[string]string{
		"undefined: __warren_main":                 "undefined: main",
		"__warren_init_3_0 and __warren_init_3_12": "init and init",
		"plain": "plain",
	} {
		if got := userText(in); got != want {
			t.Errorf("userText(%q) = %q, want %q", in, got, want)
		}
	}
}

// A program written against the compiled package runs pasted as it is.
func TestMainPastedRayProgram(t *testing.T) {
	s := newRaySession(t)
	_, rec := run(t, s, `package main

import (
	"fmt"

	ray "github.com/warren-go/warren/parallel"
)

func main() {
	sq := ray.Remote(func(x int) int { return x * x })
	fmt.Println(ray.Get(sq.Remote(4)))
}`)
	if got := rec.stdout(); got != "16\n" {
		t.Errorf("printed %q", got)
	}
	_, rec = run(t, s, "import \"github.com/warren-go/warren/parallel\"\nimport p \"github.com/warren-go/warren/parallel\"\nfmt.Println(parallel.Get(p.Put(5)))")
	if got := rec.stdout(); got != "5\n" {
		t.Errorf("printed %q", got)
	}
}
