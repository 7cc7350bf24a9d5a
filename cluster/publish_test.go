package cluster

import (
	"testing"
)

// TestPublishSpanInDuplicateWindow checks that a task's publication is
// retried only while the task stream, as the server reports it, still
// drops the retry as a duplicate: otherwise a task whose first publication
// was stored but not acknowledged could be stored, and run, twice.
func TestPublishSpanInDuplicateWindow(t *testing.T) {
	_, c, ctx := dialHead(t)
	st, err := c.js.Stream(ctx, taskStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	window := info.Config.Duplicates
	if span := publishSpan(); span >= window {
		t.Errorf("a publication is tried for up to %v, longer than the duplicate window %v", span, window)
	}
	t.Logf("publication span %v, duplicate window %v", publishSpan(), window)
}
