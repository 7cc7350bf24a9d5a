package cluster

import (
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// TestSetupConcurrentAndOlderAssets checks that processes setting up the
// cluster's assets at once all succeed (with -race: nats-server v2.15 races
// when a stream update meets a consumer creation, so setup must not update
// what is already right), and that assets left with another configuration
// (a store written by an older warren) are brought to the current one.
func TestSetupConcurrentAndOlderAssets(t *testing.T) {
	h, first, ctx := dialHead(t)
	// Make the assets older: another duplicate window, ack wait and TTL.
	if _, err := first.js.UpdateStream(ctx, jetstream.StreamConfig{
		Name: taskStream, Subjects: []string{taskSubject}, Retention: jetstream.WorkQueuePolicy,
		Storage: jetstream.FileStorage, Duplicates: 5 * time.Second,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := first.js.UpdateConsumer(ctx, taskStream, jetstream.ConsumerConfig{
		Durable: taskConsumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: 7 * time.Second,
		MaxDeliver: -1, MaxAckPending: -1, MaxWaiting: 4096,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := first.js.UpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: workersBucket, TTL: time.Minute, Storage: jetstream.MemoryStorage,
	}); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(ctx, h.URL(), "concurrent")
			if err != nil {
				errs <- err
				return
			}
			defer c.close()
			// Watchers are consumers, as a worker's and a driver's are.
			w, err := c.workers.WatchAll(ctx)
			if err != nil {
				errs <- err
				return
			}
			w.Stop()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent setup: %v", err)
	}

	st, err := first.js.Stream(ctx, taskStream)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.CachedInfo().Config.Duplicates; got != dupWindow {
		t.Errorf("task stream's duplicate window %v after setup, want %v", got, dupWindow)
	}
	cons, err := first.js.Consumer(ctx, taskStream, taskConsumer)
	if err != nil {
		t.Fatal(err)
	}
	if got := cons.CachedInfo().Config.AckWait; got != ackWait {
		t.Errorf("task consumer's ack wait %v after setup, want %v", got, ackWait)
	}
	kv, err := first.js.KeyValue(ctx, workersBucket)
	if err != nil {
		t.Fatal(err)
	}
	status, err := kv.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := status.TTL(); got != workerTTL {
		t.Errorf("workers bucket's TTL %v after setup, want %v", got, workerTTL)
	}
}
