package parallel

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// newRT returns a runtime shut down at the end of the test.
func newRT(t *testing.T, opts ...Option) *Runtime {
	t.Helper()
	rt := New(opts...)
	t.Cleanup(rt.Shutdown)
	return rt
}

// mustPanic runs f and returns the error it panicked with.
func mustPanic(t *testing.T, f func()) (err error) {
	t.Helper()
	defer func() {
		v := recover()
		if v == nil {
			t.Fatalf("no panic")
		}
		e, ok := v.(error)
		if !ok {
			t.Fatalf("panic value %T %v is not an error", v, v)
		}
		err = e
	}()
	f()
	return nil
}

// mustTaskError asserts err is a *TaskError and returns it.
func mustTaskError(t *testing.T, err error) *TaskError {
	t.Helper()
	var te *TaskError
	if !errors.As(err, &te) {
		t.Fatalf("error %v (%T) is not a *TaskError", err, err)
	}
	return te
}

func wantContains(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}

// gate is a channel tasks block on until the test opens it.
type gate chan struct{}

func (g gate) open() {
	select {
	case <-g:
	default:
		close(g)
	}
}

// concurrency tracks how many tasks run at once.
type concurrency struct {
	mu       sync.Mutex
	cur, max int
	order    []int
}

func (c *concurrency) enter(id int) {
	c.mu.Lock()
	c.cur++
	c.max = max(c.max, c.cur)
	c.order = append(c.order, id)
	c.mu.Unlock()
}

func (c *concurrency) exit() {
	c.mu.Lock()
	c.cur--
	c.mu.Unlock()
}

func (c *concurrency) snapshot() (cur, max int, order []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur, c.max, append([]int(nil), c.order...)
}

// eventually polls cond until it holds (no timing assertion: it fails only
// after a generous 10 s).
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}
