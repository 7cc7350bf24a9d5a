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
