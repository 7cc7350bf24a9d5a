package interp

import (
	"strings"
	"testing"
)

// Goroutines calling a pointer-receiver method of one struct variable
// that holds a mutex: no data race (run with -race), and the right count.
func TestPointerMethodOnVariableFromGoroutines(t *testing.T) {
	s := newSession(t)
	run(t, s, "import (\"fmt\"; \"sync\")\ntype counter struct {\n\tmu sync.Mutex\n\tn  int\n}\nfunc (c *counter) inc() {\n\tc.mu.Lock()\n\tdefer c.mu.Unlock()\n\tc.n++\n}")
	_, out := run(t, s, "c := counter{}\nvar wg sync.WaitGroup\nfor i := 0; i < 50; i++ {\n\twg.Add(1)\n\tgo func() {\n\t\tdefer wg.Done()\n\t\tc.inc()\n\t}()\n}\nwg.Wait()\nfmt.Println(c.n)")
	if got := out.stdout(); got != "50\n" {
		t.Fatalf("stdout = %q, want 50", got)
	}
}

func TestAddrRecvRewrite(t *testing.T) {
	chunks, err := splitCell("type T struct{ n int }\nfunc (t *T) inc() { t.n++ }\nfunc (t T) get() int { return t.n }\nvar v T\nv.inc()\np := &v\np.inc()\n_ = v.get()", 1)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, c := range chunks {
		all = append(all, c.text)
	}
	got := strings.Join(all, "\n")
	for _, want := range []string{"(&v).inc()", "p.inc()", "v.get()"} {
		if !strings.Contains(got, want) {
			t.Errorf("rewritten cell lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "(&p)") || strings.Contains(got, "(&v).get") {
		t.Errorf("rewrote a pointer or a value-receiver call:\n%s", got)
	}
}
