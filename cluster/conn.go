package cluster

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// Names of the JetStream assets the cluster uses. Every process creates
// them if missing, with the same configuration.
const (
	taskStream    = "WARREN_TASKS"
	taskSubject   = "warren.tasks"
	taskConsumer  = "workers"
	objectBucket  = "warren_objects" // task results and uploaded Put values
	blobBucket    = "warren_blobs"   // values too large for objectBucket; source units
	workersBucket = "warren_workers" // live workers and their resources
)

// Timing of the cluster protocol.
const (
	// ackWait is how long a task may go without word from its worker
	// (an ack, or an in-progress ack every progressEvery) before JetStream
	// gives it to another worker: the time to notice that a worker died.
	ackWait = 2 * time.Second
	// progressEvery is how often a worker sends an in-progress ack for
	// each task it holds, from a goroutine of its own (whatever the tasks
	// do): eight per ackWait, so a live worker's task is redelivered only
	// if seven in a row are lost or late (1.75 s: room for a test machine
	// loaded by the race detector).
	progressEvery = ackWait / 8
	// heartbeat is how often a worker refreshes its entry in
	// workersBucket (its free CPUs and resources).
	heartbeat = time.Second
	// workerTTL is how long a worker's entry outlives its last refresh.
	workerTTL = 10 * time.Second
	// objectTTL bounds how long values stay in the buckets if their driver
	// died without cleaning up.
	objectTTL = 24 * time.Hour
	// setupTimeout bounds the tries to set up the stream and buckets.
	setupTimeout = time.Minute
	// inlineMax is the largest encoded value stored in the key-value bucket
	// or sent inside a task message; larger ones go to the object store.
	inlineMax = 256 << 10
)

// conn is one process's connection to the cluster.
type conn struct {
	nc      *nats.Conn
	js      jetstream.JetStream
	tasks   jetstream.Consumer
	objects jetstream.KeyValue
	blobs   jetstream.ObjectStore
	workers jetstream.KeyValue
	drivers jetstream.KeyValue // drivers' and workers' beats (driver.go)
	cache   *blobCache         // a worker's large values lately stored or fetched; nil in a driver
	client  *Client            // the Client on this connection (set once, before use): it binds decoded refs

	mu            sync.Mutex
	reconnected   []chan struct{} // signalled after each reconnection
	reconnectedAt time.Time       // the last reconnection, zero if none
}

// lastReconnect returns when the connection was last re-established
// (zero if it never was).
func (c *conn) lastReconnect() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reconnectedAt
}

// onReconnect returns a channel that receives a value after the connection
// has been re-established (a restarted head): watchers restart then rather
// than wait for their heartbeats to time out.
func (c *conn) onReconnect() <-chan struct{} {
	ch := make(chan struct{}, 1)
	c.mu.Lock()
	c.reconnected = append(c.reconnected, ch)
	c.mu.Unlock()
	return ch
}

func (c *conn) signalReconnect(*nats.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reconnectedAt = time.Now()
	for _, ch := range c.reconnected {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// dial connects to the NATS server(s) at addr (a comma-separated list of
// nats:// URLs) and makes sure the stream, consumer and buckets exist.
// The connection reconnects for ever: a restarted head is found again.
func dial(ctx context.Context, addr, name string, jsOpts ...jetstream.JetStreamOpt) (*conn, error) {
	c := &conn{}
	nc, err := nats.Connect(addr, nats.Name(name), nats.MaxReconnects(-1), nats.ReconnectWait(100*time.Millisecond),
		nats.ReconnectHandler(c.signalReconnect))
	if err != nil {
		return nil, fmt.Errorf("cluster: connect to %s: %w", addr, err)
	}
	c.nc = nc
	ctx, cancel := context.WithTimeout(ctx, setupTimeout)
	defer cancel()
	for {
		// A NATS cluster just started elects its JetStream leader first:
		// until then setup fails, and is tried again for a while.
		tctx, tcancel := context.WithTimeout(ctx, 5*time.Second) // an unanswered request is tried again
		err = c.setup(tctx, jsOpts)
		tcancel()
		if err == nil {
			return c, nil
		}
		select {
		case <-ctx.Done():
			nc.Close()
			return nil, err
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func (c *conn) setup(ctx context.Context, jsOpts []jetstream.JetStreamOpt) error {
	js, err := jetstream.New(c.nc, jsOpts...)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	c.js = js
	replicas := 1
	if n := len(c.nc.Servers()); n >= 3 {
		replicas = 3 // a NATS cluster: keep tasks and values on three nodes
	}
	// Every process creates what it needs with create requests, which the
	// server answers with the existing asset when its configuration is the
	// same. Only a differing configuration (a store written by an older
	// warren) is updated: an update racing another process's consumer
	// creation is a data race inside nats-server v2.15.
	streamCfg := jetstream.StreamConfig{
		Name: taskStream, Subjects: []string{taskSubject}, Retention: jetstream.WorkQueuePolicy,
		Storage: jetstream.FileStorage, Replicas: replicas, Duplicates: dupWindow,
	}
	if _, err = js.CreateStream(ctx, streamCfg); errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		_, err = js.UpdateStream(ctx, streamCfg)
	}
	if err != nil {
		return fmt.Errorf("cluster: task stream (is JetStream enabled on the server?): %w", err)
	}
	consumerCfg := jetstream.ConsumerConfig{
		Durable: taskConsumer, AckPolicy: jetstream.AckExplicitPolicy, AckWait: ackWait,
		MaxDeliver: -1, MaxAckPending: -1, MaxWaiting: 4096, Replicas: replicas,
	}
	if c.tasks, err = js.CreateConsumer(ctx, taskStream, consumerCfg); errors.Is(err, jetstream.ErrConsumerExists) {
		c.tasks, err = js.UpdateConsumer(ctx, taskStream, consumerCfg)
	}
	if err != nil {
		return fmt.Errorf("cluster: task consumer: %w", err)
	}
	if c.objects, err = ensureKV(ctx, js, jetstream.KeyValueConfig{
		Bucket: objectBucket, TTL: objectTTL, Storage: jetstream.FileStorage, Replicas: replicas,
	}); err != nil {
		return fmt.Errorf("cluster: object bucket: %w", err)
	}
	blobCfg := jetstream.ObjectStoreConfig{
		Bucket: blobBucket, TTL: objectTTL, Storage: jetstream.FileStorage, Replicas: replicas,
	}
	if c.blobs, err = js.CreateObjectStore(ctx, blobCfg); errors.Is(err, jetstream.ErrBucketExists) {
		c.blobs, err = js.UpdateObjectStore(ctx, blobCfg)
	}
	if err != nil {
		return fmt.Errorf("cluster: blob store: %w", err)
	}
	if c.workers, err = ensureKV(ctx, js, jetstream.KeyValueConfig{
		Bucket: workersBucket, TTL: workerTTL, Storage: jetstream.MemoryStorage, Replicas: replicas,
	}); err != nil {
		return fmt.Errorf("cluster: workers bucket: %w", err)
	}
	if c.drivers, err = ensureKV(ctx, js, jetstream.KeyValueConfig{
		Bucket: driversBucket, TTL: driverTTL, Storage: jetstream.MemoryStorage, Replicas: replicas,
	}); err != nil {
		return fmt.Errorf("cluster: drivers bucket: %w", err)
	}
	return nil
}

// ensureKV creates the bucket cfg names, or returns the existing one,
// updating it only if its configuration differs (see setup).
func ensureKV(ctx context.Context, js jetstream.JetStream, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error) {
	kv, err := js.CreateKeyValue(ctx, cfg)
	if errors.Is(err, jetstream.ErrBucketExists) {
		kv, err = js.UpdateKeyValue(ctx, cfg)
	}
	return kv, err
}

func (c *conn) close() { c.nc.Close() }

// Replicas returns how many NATS servers keep the task stream (3 on a NATS
// cluster of three or more, else 1), or 0 if the stream cannot be read.
func (cl *Client) Replicas(ctx context.Context) int {
	st, err := cl.c.js.Stream(ctx, taskStream)
	if err != nil {
		return 0
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0
	}
	n := 1
	if info.Cluster != nil {
		n += len(info.Cluster.Replicas)
	}
	return n
}
