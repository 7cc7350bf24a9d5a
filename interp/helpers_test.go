package interp

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is an Output that keeps everything.
type recorder struct {
	mu       sync.Mutex
	streams  map[string]*strings.Builder
	displays []map[string]any
}

func newRecorder() *recorder {
	return &recorder{streams: map[string]*strings.Builder{"stdout": {}, "stderr": {}}}
}

func (r *recorder) Stream(name, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.streams[name].WriteString(text)
}

func (r *recorder) Display(data, metadata map[string]any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.displays = append(r.displays, data)
}

func (r *recorder) stdout() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.streams["stdout"].String()
}

func (r *recorder) stderr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.streams["stderr"].String()
}

func newSession(t testing.TB) *Session {
	t.Helper()
	s, err := New(Options{NoHost: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

var cellSeq int

// run executes code and fails the test on error.
func run(t testing.TB, s *Session, code string) (map[string]any, *recorder) {
	t.Helper()
	res, rec, err := try(t, s, code)
	if err != nil {
		t.Fatalf("cell %q: %v\nstdout: %s\nstderr: %s", code, err, rec.stdout(), rec.stderr())
	}
	return res, rec
}

// try executes code and returns its *Error, if any.
func try(t testing.TB, s *Session, code string) (map[string]any, *recorder, *Error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	return tryCtx(ctx, t, s, code)
}

func tryCtx(ctx context.Context, t testing.TB, s *Session, code string) (map[string]any, *recorder, *Error) {
	t.Helper()
	cellSeq++
	rec := newRecorder()
	res, err := s.Execute(ctx, "cell-"+time.Now().Format("150405.000000")+"-"+string(rune('a'+cellSeq%26)), code, rec)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("cell %q: error %T is not *Error: %v", code, err, err)
		}
		return res, rec, e
	}
	return res, rec, nil
}

func plain(res map[string]any) string {
	if res == nil {
		return "<nil bundle>"
	}
	s, _ := res["text/plain"].(string)
	return s
}
