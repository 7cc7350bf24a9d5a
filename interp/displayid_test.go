package interp

import (
	"context"
	"sync"
	"testing"
)

// updRecorder is a recorder whose output updates displays and clears.
type updRecorder struct {
	*recorder
	mu     sync.Mutex
	events []string
}

func (u *updRecorder) DisplayID(id string, data, _ map[string]any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.events = append(u.events, "show "+id+" "+data["text/plain"].(string))
}

func (u *updRecorder) UpdateDisplay(id string, data, _ map[string]any) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.events = append(u.events, "update "+id+" "+data["text/plain"].(string))
}

func (u *updRecorder) ClearOutput(wait bool) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if wait {
		u.events = append(u.events, "clear wait")
	} else {
		u.events = append(u.events, "clear")
	}
}

// display.ShowID, display.Update and display.Clear reach an output that
// updates displays and clears; an output that cannot shows each value.
func TestDisplayUpdateAndClear(t *testing.T) {
	s := newSession(t)
	out := &updRecorder{recorder: newRecorder()}
	code := "import \"display\"\ndisplay.ShowID(\"p\", \"0%\")\nfor _, v := range []string{\"50%\", \"100%\"} { display.Update(\"p\", v) }\ndisplay.Clear(true)\ndisplay.Clear(false)"
	if _, err := s.Execute(context.Background(), "c1", code, out); err != nil {
		t.Fatal(err)
	}
	want := []string{"show p 0%", "update p 50%", "update p 100%", "clear wait", "clear"}
	if len(out.events) != len(want) {
		t.Fatalf("events %q, want %q", out.events, want)
	}
	for i := range want {
		if out.events[i] != want[i] {
			t.Fatalf("events %q, want %q", out.events, want)
		}
	}
	rec := newRecorder()
	if _, err := s.Execute(context.Background(), "c2", "display.ShowID(\"q\", 1)\ndisplay.Update(\"q\", 2)\ndisplay.Clear(false)", rec); err != nil {
		t.Fatal(err)
	}
	if len(rec.displays) != 2 || rec.displays[1]["text/plain"] != "2" {
		t.Fatalf("displays without updates: %v", rec.displays)
	}
}
