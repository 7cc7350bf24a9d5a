package interp

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// updater is an Output that can update displays, recording every call.
type updater struct {
	*recorder
	mu      sync.Mutex
	calls   []string // "display id text" / "update id text"
	onFirst func()
}

func (u *updater) DisplayID(id string, data, _ map[string]any) {
	u.mu.Lock()
	u.calls = append(u.calls, "display "+id+" "+data["text/plain"].(string))
	f := u.onFirst
	u.onFirst = nil
	u.mu.Unlock()
	if f != nil {
		f()
	}
}

func (u *updater) UpdateDisplay(id string, data, _ map[string]any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = append(u.calls, "update "+id+" "+data["text/plain"].(string))
}

// streamHook is a recorder that runs a func on the first stderr write.
type streamHook struct {
	*recorder
	once   sync.Once
	onText func()
}

func (h *streamHook) Stream(name, text string) {
	h.recorder.Stream(name, text)
	if name == "stderr" {
		h.once.Do(h.onText)
	}
}

// blockingServer answers once release is closed; tasks fetching from it
// block in compiled code until the test lets them go.
func blockingServer(t *testing.T) (url string, release func()) {
	ch := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-ch
		fmt.Fprint(w, "ok")
	}))
	var once sync.Once
	rel := func() { once.Do(func() { close(ch) }) }
	t.Cleanup(func() { rel(); srv.Close() })
	return srv.URL, rel
}

const progressCell = `fetch := ray.Remote(func(url string) int {
	resp, err := http.Get(url)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return len(b)
}).Options(ray.TaskName("fetch"))
var refs []ray.ObjectRef
for i := 0; i < 3; i++ {
	refs = append(refs, fetch.Remote(%q))
}
ray.GetAll(refs...)`

// TestRayProgressDisplay: a long ray.GetAll in a cell whose output can
// update displays shows one progress display, updated in place, ending
// with the final count.
func TestRayProgressDisplay(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import (
	"io"
	"net/http"
	"time"
)
ray.Init(ray.NumCPUs(4), ray.ProgressAfter(time.Millisecond))`)
	url, release := blockingServer(t)
	out := &updater{recorder: newRecorder(), onFirst: release}
	res, err := s.Execute(context.Background(), "cell-progress", fmt.Sprintf(progressCell, url), out)
	if err != nil {
		t.Fatal(err)
	}
	if plain(res) != "[2 2 2]" {
		t.Fatalf("GetAll = %s", plain(res))
	}
	out.mu.Lock()
	calls := out.calls
	out.mu.Unlock()
	if len(calls) < 2 || !strings.HasPrefix(calls[0], "display ray-progress-") {
		t.Fatalf("calls = %q", calls)
	}
	id := strings.Fields(calls[0])[1]
	wantContainsAll(t, calls[0], "ray.GetAll: 0/3 done", "waiting for fetch ×3")
	last := calls[len(calls)-1]
	if !strings.HasPrefix(last, "update "+id+" ") {
		t.Fatalf("last call %q does not update %s", last, id)
	}
	wantContainsAll(t, last, "ray.GetAll: 3/3 done")
	if out.stderr() != "" {
		t.Fatalf("stderr = %q", out.stderr())
	}
}

// TestRayProgressText: without display updates (warren run, the console),
// a long wait writes progress lines to stderr, then the final line.
func TestRayProgressText(t *testing.T) {
	s := newRaySession(t)
	run(t, s, `import (
	"io"
	"net/http"
	"time"
)
ray.Init(ray.NumCPUs(4), ray.ProgressAfter(time.Millisecond))`)
	url, release := blockingServer(t)
	out := &streamHook{recorder: newRecorder(), onText: release}
	res, err := s.Execute(context.Background(), "cell-progress-text", fmt.Sprintf(progressCell, url), out)
	if err != nil {
		t.Fatal(err)
	}
	if plain(res) != "[2 2 2]" {
		t.Fatalf("GetAll = %s", plain(res))
	}
	lines := strings.Split(strings.TrimSpace(out.stderr()), "\n")
	if len(lines) < 2 {
		t.Fatalf("stderr = %q", out.stderr())
	}
	wantContainsAll(t, lines[0], "ray.GetAll: 0/3 done", "fetch ×3")
	wantContainsAll(t, lines[len(lines)-1], "ray.GetAll: 3/3 done")
	// Turned off, a fast or slow GetAll writes nothing.
	run(t, s, `ray.Init(ray.ProgressAfter(0))`)
	_, rec := run(t, s, `ray.GetAll(ray.Remote(func() int { time.Sleep(20 * time.Millisecond); return 1 }).Remote())`)
	if rec.stderr() != "" {
		t.Fatalf("progress off: stderr = %q", rec.stderr())
	}
}

func wantContainsAll(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Errorf("%q does not contain %q", s, sub)
		}
	}
}
