package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// TestActorSurvivesHeadRestart: an actor on a worker outlives a head
// down for 5 s and restarted on the same store (its worker and the driver
// reconnect): calls made before, as the head goes down, while it is down
// and after it is back all run once, in order, on the one state.
func TestActorSurvivesHeadRestart(t *testing.T) {
	reg := testRegistry()
	fn := registryFunc(t, reg)
	tc := startCluster(t)
	tc.startWorker(1)
	rt, _ := tc.connect(1)
	a := rt.NewActor(fn("counterNew"))
	incr := fn("counterIncr")
	if v := get(t, a.Remote(incr)); v != 1 {
		t.Fatalf("first call = %v", v)
	}
	url := tc.head.URL()
	tc.head.Shutdown()
	var during []parallel.ObjectRef // sent as the head goes down, and while it is down
	for range 20 {
		during = append(during, a.Remote(incr))
		time.Sleep(ackWait / 8)
	}
	h, err := StartHead(HeadOptions{Listen: strings.TrimPrefix(url, "nats://"), StoreDir: tc.store})
	if err != nil {
		t.Fatal(err)
	}
	tc.head = h
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i, r := range during {
		v, err := parallel.GetContext(ctx, r)
		if err != nil || v != i+2 {
			t.Fatalf("call %d sent while the head was down: %v, %v; want %d (each once, in order)", i, v, err, i+2)
		}
	}
	if v := get(t, a.Remote(incr)); v != 22 {
		t.Errorf("the call after the restart = %v, want 22", v)
	}
}
