package interp

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// typist is a recorder whose user types the given lines, one per Input.
type typist struct {
	*recorder
	mu      sync.Mutex
	lines   []string
	prompts []string // stdout seen when each input was asked for
}

func (ty *typist) Input(prompt string, password bool) (string, error) {
	ty.mu.Lock()
	defer ty.mu.Unlock()
	ty.prompts = append(ty.prompts, ty.stdout())
	if len(ty.lines) == 0 {
		return "", context.Canceled
	}
	l := ty.lines[0]
	ty.lines = ty.lines[1:]
	return l, nil
}

func TestStdinAsksTheCellsOutput(t *testing.T) {
	s := newSession(t)
	ty := &typist{recorder: newRecorder(), lines: []string{"Gopher", "3 4"}}
	code := "import \"fmt\"\nvar name string\nfmt.Print(\"Name? \")\nfmt.Scanln(&name)\nvar a, b int\nfmt.Scan(&a, &b)\nfmt.Println(\"hello\", name, a+b)"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Execute(ctx, "stdin-cell", code, ty); err != nil {
		t.Fatal(err)
	}
	if got := ty.stdout(); !strings.HasSuffix(got, "hello Gopher 7\n") {
		t.Errorf("stdout %q", got)
	}
	if len(ty.prompts) != 2 || ty.prompts[0] != "Name? " {
		t.Errorf("prompts %q: the printed prompt must go out before input is asked for", ty.prompts)
	}

	// Without an Inputter (warren run, nbconvert-like clients) reads see EOF.
	res, _ := run(t, s, "var n int\n_, err := fmt.Scanln(&n)\nerr")
	if got := plain(res); got != "EOF" {
		t.Errorf("Scanln without input: %q, want EOF", got)
	}
}

// Reading os.Stdin directly asks for input as fmt.Scan does, line by line
// on demand, and shares the lines with fmt.Scan.
func TestOsStdinAsksTheCellsOutput(t *testing.T) {
	s := newSession(t)
	ty := &typist{recorder: newRecorder(), lines: []string{"Gopher", "a b", "7", "last line"}}
	code := `import ("bufio"; "fmt"; "os")
fmt.Print("Name? ")
r := bufio.NewReader(os.Stdin)
name, err := r.ReadString('\n')
fmt.Printf("%q %v\n", name, err)
sc := bufio.NewScanner(os.Stdin)
sc.Scan()
fmt.Printf("%q\n", sc.Text())
var n int
fmt.Fscan(os.Stdin, &n)
fmt.Println(n * 6)
buf := make([]byte, 64)
k, err := os.Stdin.Read(buf)
fmt.Printf("%q %v\n", buf[:k], err)
fi, _ := os.Stdin.Stat()
fmt.Println(os.Stdin.Name(), fi.Mode()&os.ModeCharDevice != 0)
fmt.Printf("%T\n", os.Stdin)`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.Execute(ctx, "osstdin-cell", code, ty); err != nil {
		t.Fatalf("%v\nstdout %s", err, ty.stdout())
	}
	want := "Name? \"Gopher\\n\" <nil>\n\"a b\"\n42\n\"last line\\n\" <nil>\n/dev/stdin true\n*os.File\n"
	if got := ty.stdout(); got != want {
		t.Errorf("stdout\n%s\nwant\n%s", got, want)
	}
	if len(ty.prompts) != 4 || ty.prompts[0] != "Name? " {
		t.Errorf("prompts %q: one input per line read, the printed prompt first", ty.prompts)
	}

	// Without an Inputter reads see EOF; a closed os.Stdin fails as Go's does.
	res, _ := run(t, s, "_, err := bufio.NewReader(os.Stdin).ReadString('\\n')\nerr")
	if got := plain(res); got != "EOF" {
		t.Errorf("ReadString without input: %q, want EOF", got)
	}
	// What needs a real *os.File is a compile error, not a wrong answer.
	if _, _, err := try(t, s, "os.Stdin.Fd()"); err == nil || err.Name != "CompileError" {
		t.Errorf("os.Stdin.Fd(): %v, want a CompileError", err)
	}
	res, _ = run(t, s, "os.Stdin.Close()\n_, err = os.Stdin.Read(make([]byte, 1))\nerr")
	if got := plain(res); got != "read /dev/stdin: file already closed" {
		t.Errorf("read after Close: %q", got)
	}
}
