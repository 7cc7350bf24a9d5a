package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nuid"

	"github.com/warren-go/warren/parallel"
)

// Register makes ray.Init(ray.Address("nats://…")) (parallel.Address) in
// this process connect to a cluster, shipping functions with ship: a
// compiled program passes its Registry, the interpreter its own Shipper.
func Register(ship Shipper) {
	parallel.SetDialer(func(addr string) (parallel.Backend, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return Connect(ctx, addr, ship)
	})
}

// A Client is a process's connection to a cluster as the parallel.Backend of
// its runtime: it publishes the runtime's tasks to the task stream and
// resolves their refs from the results workers store. Every Client is a
// session of its own; Close deletes the values its tasks and uploads left
// in the cluster.
type Client struct {
	c     *conn
	own   bool // c is the Client's own (closed by Close)
	sess  string
	ship  Shipper
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	ready chan struct{} // closed once the workers watch has its initial values

	upMu     sync.Mutex // one source upload at a time (uploadSource)
	beatMu   sync.Mutex // the driver's heartbeat against Ending (driver.go)
	ending   bool       // Ending was called: no more heartbeats
	mu       sync.Mutex
	closed   bool
	pending  map[string]*parallel.RemoteTask // by result key
	uploads  map[uint64]string               // Put objects uploaded: their keys
	sources  map[string]bool                 // source units uploaded
	blobs    []string                        // blobs to delete at Close
	results  map[string][]string             // result or upload key → its blobs, deleted with it (see release.go)
	release  chan string                     // result keys to delete
	pins     map[string][]parallel.ObjectRef // carrier key → the refs inside it this process holds for it (refs.go)
	carries  map[string]bool                 // result keys whose values hold refs: their deletion is announced
	fetching map[*fetch]bool                 // waits for the values of decoded refs (refs.go)
	relSub   *nats.Subscription              // release notices (onRelease)
	kvs      jetstream.Stream                // objectBucket's stream, once looked up
	workers  map[string]workerInfo
	ownerOf  func() string // a worker's: the owner of a task submitted now (driver.go)
	dead     error         // set when the workers counted this driver dead (driver.go)
	actors   actorTable    // actors on workers (actor.go)
}

// workerInfo is a worker's entry in workersBucket.
type workerInfo struct {
	Name string
	Pid  int
	CPUs float64
	Res  map[string]float64
	Free map[string]float64 // free CPUs ("CPU") and resources at the last heartbeat
	// Running are the result keys of the tasks it runs (redeliver.go).
	Running []string

	seen time.Time // when the entry was written (not encoded: the bucket's timestamp)
}

// staleAfter is how long after its last heartbeat a worker counts as gone
// (a worker killed leaves its entry until the bucket's TTL removes it,
// without a notice to watchers).
const staleAfter = 5 * heartbeat

// Connect connects to the cluster at addr (nats:// URLs, comma-separated)
// as a driver that ships functions with ship.
func Connect(ctx context.Context, addr string, ship Shipper) (*Client, error) {
	cl := &Client{ship: ship}
	c, err := dial(ctx, addr, "warren driver", jetstream.WithPublishAsyncErrHandler(cl.publishFailed),
		jetstream.WithPublishAsyncTimeout(publishTimeout))
	if err != nil {
		return nil, err
	}
	cl.c, cl.own = c, true
	if err := cl.start(ctx); err != nil {
		c.close()
		return nil, err
	}
	if err := cl.startBeat(ctx); err != nil {
		_ = cl.Close()
		return nil, err
	}
	return cl, nil
}

// newClient makes a Client on an existing connection (a worker's, for the
// tasks its tasks submit); c's publication errors must go to the Client's
// publishFailed.
func newClient(ctx context.Context, c *conn, ship Shipper) (*Client, error) {
	cl := &Client{c: c, ship: ship}
	if err := cl.start(ctx); err != nil {
		return nil, err
	}
	return cl, nil
}

func (cl *Client) start(ctx context.Context) error {
	cl.sess = nuid.Next()
	cl.pending = map[string]*parallel.RemoteTask{}
	cl.uploads = map[uint64]string{}
	cl.results = map[string][]string{}
	cl.release = make(chan string, 4096)
	cl.sources = map[string]bool{}
	cl.pins = map[string][]parallel.ObjectRef{}
	cl.carries = map[string]bool{}
	cl.fetching = map[*fetch]bool{}
	cl.c.client = cl
	cl.workers = map[string]workerInfo{}
	cl.ready = make(chan struct{})
	cl.ctx, cl.stop = context.WithCancel(context.Background())
	results, err := cl.c.objects.Watch(cl.ctx, cl.resultKeys())
	if err != nil {
		cl.stop()
		return fmt.Errorf("cluster: watch results: %w", err)
	}
	workers, err := cl.c.workers.WatchAll(cl.ctx)
	if err != nil {
		cl.stop()
		return fmt.Errorf("cluster: watch workers: %w", err)
	}
	if cl.relSub, err = cl.c.nc.Subscribe(releaseSubject+".>", cl.onRelease); err != nil {
		cl.stop()
		return fmt.Errorf("cluster: subscribe to release notices: %w", err)
	}
	_ = cl.c.nc.Flush() // the server knows the subscription before the Client is used
	cl.wg.Add(3)
	go cl.watchResults(results)
	go cl.watchWorkers(workers)
	go cl.deleter()
	select {
	case <-cl.ready:
		return nil
	case <-ctx.Done():
		cl.stop()
		cl.wg.Wait()
		return fmt.Errorf("cluster: list workers: %w", ctx.Err())
	}
}

// Session returns the client's session id, which prefixes its keys.
func (cl *Client) Session() string { return cl.sess }

// Prepare implements parallel.Backend: it ships t's function (uploading
// the source units it needs) and checks that some live worker has the
// resources t requests. With no worker connected yet, tasks wait for one.
func (cl *Client) Prepare(t *parallel.RemoteTask) error {
	ref, err := cl.ship.Ship(t.Func)
	if err != nil {
		return err
	}
	for _, h := range ref.Decls {
		if err := cl.uploadSource(h); err != nil {
			return err
		}
	}
	if err := cl.feasible(t.CPUs, t.Res); err != nil {
		return err
	}
	noteFuncTypes(t.Func.Type())
	t.Code = shipped{Ref: ref, Owner: cl.owner()}
	if t.Actor != nil && !t.Call {
		t.Actor.Address = cl.sess + " " + cl.resultKey(t.ID) // where handles find it (actor.go)
	}
	return nil
}

// uploadSource stores a source unit in the object store once: uploads are
// one at a time in a process, and a unit already stored (by this driver
// earlier, or by a worker shipping a nested task of the same function) is
// not put again — a second put of one object while a worker reads it made
// that read fail.
func (cl *Client) uploadSource(hash string) error {
	cl.upMu.Lock()
	defer cl.upMu.Unlock()
	cl.mu.Lock()
	done := cl.sources[hash]
	cl.mu.Unlock()
	if done {
		return nil
	}
	{
		ctx, cancel := context.WithTimeout(cl.ctx, 30*time.Second)
		_, err := cl.c.blobs.GetInfo(ctx, "src."+hash)
		cancel()
		if err == nil {
			cl.mu.Lock()
			cl.sources[hash] = true
			cl.mu.Unlock()
			return nil
		}
	}
	src, err := cl.ship.Source(hash)
	if err != nil {
		return fmt.Errorf("cluster: source unit %s: %w", hash, err)
	}
	if Hash(src) != hash {
		return fmt.Errorf("cluster: source unit %s has hash %s", hash, Hash(src))
	}
	ctx, cancel := context.WithTimeout(cl.ctx, 30*time.Second)
	defer cancel()
	if _, err := cl.c.blobs.PutBytes(ctx, "src."+hash, src); err != nil {
		return fmt.Errorf("cluster: upload source unit %s: %w", hash, err)
	}
	cl.mu.Lock()
	cl.sources[hash] = true
	cl.mu.Unlock()
	return nil
}

// cancelSubject prefixes the core-NATS subject on which a driver tells
// workers that a task was cancelled: cancelSubject + "." + result key.
const cancelSubject = "warren.cancel"

// Cancel implements parallel.Canceller: it stops waiting for t's result and
// tells the workers, so that the one running t cancels its context (a
// worker that has not pulled t yet skips it, if it was connected when the
// cancel was sent).
func (cl *Client) Cancel(t *parallel.RemoteTask) {
	key := cl.resultKey(t.ID)
	if cl.forget(key) == nil {
		return // not sent yet (it never will be), or finished
	}
	_ = cl.c.nc.Publish(cancelSubject+"."+key, nil)
}

// resultKey is the key of the result of this session's task id.
func (cl *Client) resultKey(id uint64) string {
	return "r." + cl.sess + "." + strconv.FormatUint(id, 10)
}

// Submit implements parallel.Backend: it encodes t's arguments and
// publishes t to the task stream.
func (cl *Client) Submit(t *parallel.RemoteTask) error {
	sh, _ := t.Code.(shipped)
	key := cl.resultKey(t.ID)
	msg := taskMsg{Key: key, Func: sh.Ref, Owner: sh.Owner, Name: t.Name, CPUs: t.CPUs, Res: t.Res, NumReturns: len(t.Outs),
		MaxRetries: t.MaxRetries, RetryExc: t.RetryExceptions}
	ft := t.Func.Type()
	state := 0
	if t.Call {
		state = 1 // an actor call's first parameter is the state
	} else if t.Actor != nil {
		msg.Actor = cl.actorCtor(t, key)
	}
	for i, a := range t.Args {
		am, err := cl.encodeArg(t, key, i, paramType(ft, i+state), a)
		if err != nil {
			return fmt.Errorf("argument %d: %w", i, err)
		}
		msg.Args = append(msg.Args, am)
	}
	data := msg.marshal()
	cl.mu.Lock()
	if err := cl.dead; cl.closed || err != nil {
		cl.mu.Unlock()
		return cmp.Or(err, errors.New("cluster: client closed"))
	}
	cl.pending[key] = t
	cl.mu.Unlock()
	if t.Call {
		if err := cl.sendCall(t, key, data); err != nil {
			cl.forget(key)
			return err
		}
		return nil
	}
	m := &nats.Msg{Subject: taskSubject, Data: data, Header: nats.Header{}}
	m.Header.Set(keyHeader, key)
	m.Header.Set(jetstream.MsgIDHeader, key) // a retried publication is stored once
	if _, err := cl.c.js.PublishMsgAsync(m); err != nil {
		cl.forget(key)
		return fmt.Errorf("cluster: publish task: %w", err)
	}
	return nil
}

// forget removes and returns the pending task of key.
func (cl *Client) forget(key string) *parallel.RemoteTask {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	t := cl.pending[key]
	delete(cl.pending, key)
	return t
}

// encodeArg encodes argument i of t, of parameter type pt. A ref to a
// cluster value of a concrete type travels as its key; a Put value is
// uploaded once if large; anything else travels in the task message.
func (cl *Client) encodeArg(t *parallel.RemoteTask, key string, i int, pt reflect.Type, a parallel.RemoteArg) (argMsg, error) {
	if a.Remote && a.Index >= 0 && pt.Kind() != reflect.Interface {
		return argMsg{Key: cl.resultKey(a.Task), Index: a.Index}, nil
	}
	if a.Object != 0 && !a.Remote && pt.Kind() != reflect.Interface {
		cl.mu.Lock()
		ukey, ok := cl.uploads[a.Object]
		cl.mu.Unlock()
		if ok {
			return argMsg{Key: ukey, Index: -1}, nil
		}
	}
	v := reflect.New(pt).Elem()
	if a.Value.IsValid() {
		v.Set(a.Value)
	}
	val, err := cl.c.encodeRefs(cl.ctx, key, v) // refs inside held until t's result is released
	if err != nil {
		return argMsg{}, err
	}
	if a.Object != 0 && !a.Remote && pt.Kind() != reflect.Interface && len(val.Data) > 4096 {
		// A large Put value: upload it once, pass its key from now on.
		ukey := "p." + cl.sess + "." + strconv.FormatUint(a.Object, 10)
		if err := cl.putValue(ukey, val); err != nil {
			return argMsg{}, err
		}
		cl.mu.Lock()
		cl.uploads[a.Object] = ukey
		cl.mu.Unlock()
		return argMsg{Key: ukey, Index: -1}, nil
	}
	if len(val.Data) > inlineMax {
		name := fmt.Sprintf("a.%s.%d", key, i)
		ctx, cancel := context.WithTimeout(cl.ctx, time.Minute)
		defer cancel()
		if val, err = cl.c.store(ctx, name, val); err != nil {
			return argMsg{}, err
		}
		cl.mu.Lock()
		cl.blobs = append(cl.blobs, name)
		cl.mu.Unlock()
	}
	return argMsg{Val: val}, nil
}

// putValue stores val under key in objectBucket (its data in the object
// store if large).
func (cl *Client) putValue(key string, val value) error {
	ctx, cancel := context.WithTimeout(cl.ctx, time.Minute)
	defer cancel()
	val, err := cl.c.store(ctx, "b."+key, val)
	if err != nil {
		return err
	}
	if val.Blob != "" {
		cl.mu.Lock()
		cl.results[key] = append(cl.results[key], val.Blob) // deleted with key
		cl.mu.Unlock()
	}
	if _, err := cl.c.objects.Put(ctx, key, val.marshal()); err != nil {
		return fmt.Errorf("cluster: store %s: %w", key, err)
	}
	return nil
}

func (cl *Client) resultKeys() string { return "r." + cl.sess + ".*" }

// watchResults resolves pending tasks as their results arrive. After a
// reconnection it watches again from the start of the session's results:
// those stored meanwhile arrive, those already seen are ignored.
func (cl *Client) watchResults(w jetstream.KeyWatcher) {
	defer cl.wg.Done()
	reconnected := cl.c.onReconnect()
	defer func() { _ = w.Stop() }()
	for {
		select {
		case <-cl.ctx.Done():
			return
		case <-reconnected:
			_ = w.Stop()
			for {
				nw, err := cl.c.objects.Watch(cl.ctx, cl.resultKeys())
				if err == nil {
					w = nw
					break
				}
				select {
				case <-cl.ctx.Done():
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			t := cl.forget(e.Key())
			if t == nil {
				continue // a duplicate (a task run twice) or not ours any more
			}
			r := cl.result(t, e.Key(), e.Value())
			t.Done(r)
		}
	}
}

// result decodes a stored resultMsg for t.
func (cl *Client) result(t *parallel.RemoteTask, key string, data []byte) parallel.RemoteResult {
	var rm resultMsg
	if err := rm.unmarshal(data); err != nil {
		return parallel.RemoteResult{Err: err}
	}
	res := parallel.RemoteResult{Attempt: rm.Attempt, Stack: rm.Stack}
	if !rm.Start.IsZero() {
		res.Span = &parallel.RemoteSpan{Process: rm.Proc, Pid: rm.Pid, Slot: rm.Slot, Start: rm.Start, End: rm.End}
	}
	if rm.Err != "" {
		if t.Call && rm.ErrType == actorDiedType {
			cl.callActorDied(t, rm.Err) // fails t, and the actor's other calls, with ActorDiedError
		}
		res.Err = &RemoteError{Message: rm.Err, Type: rm.ErrType, System: rm.System}
		return res
	}
	if t.Actor != nil && !t.Call { // an actor's constructor: the state stays on the worker
		res.Err = cl.actorHosted(t, rm.Host, rm.Proc)
		return res
	}
	if len(rm.Vals) != len(t.Results) {
		res.Err = fmt.Errorf("cluster: the worker returned %d values for %d results", len(rm.Vals), len(t.Results))
		return res
	}
	res.Values = make([]any, len(rm.Vals))
	for i, val := range rm.Vals {
		if len(val.Refs) > 0 {
			cl.mu.Lock()
			cl.carries[key] = true
			cl.mu.Unlock()
		}
		if val.Blob != "" {
			cl.mu.Lock()
			cl.results[key] = append(cl.results[key], val.Blob)
			cl.mu.Unlock()
			// Fetched from the object store only if this process reads
			// it: a large result handed on to other tasks is passed by
			// its key, and never travels to the driver.
			rt := t.Results[i]
			res.Values[i] = parallel.Lazy(func() (any, error) {
				v, err := cl.c.loadKeep(cl.ctx, val, rt, t)
				if err != nil {
					return nil, err
				}
				return v.Interface(), nil
			})
			continue
		}
		v, err := cl.c.loadKeep(cl.ctx, val, t.Results[i], t)
		if err != nil {
			res.Err, res.Values = err, nil
			return res
		}
		res.Values[i] = v.Interface()
	}
	return res
}

// Close implements parallel.Backend: it stops resolving results and
// deletes the values the session left in the cluster (results, uploads,
// large values). The workers withdraw the driver's tasks (driver.go).
func (cl *Client) Close() error {
	cl.mu.Lock()
	if cl.closed {
		cl.mu.Unlock()
		return nil
	}
	cl.closed = true
	blobs := cl.blobs
	for _, bs := range cl.results {
		blobs = append(blobs, bs...)
	}
	cl.blobs, cl.results, cl.pending, cl.pins = nil, nil, map[string]*parallel.RemoteTask{}, nil
	cl.mu.Unlock()
	cl.stop()
	cl.wg.Wait()
	if cl.relSub != nil {
		_ = cl.relSub.Unsubscribe()
	}
	// Workers holding refs inside this session's results may drop them.
	_ = cl.c.nc.Publish(releaseSubject+".s."+cl.sess, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	errs := []error{cl.endBeat(ctx)} // the workers withdraw the driver's tasks
	// One purge per prefix removes the session's results, uploads and
	// hand-back counters from the bucket's stream (no delete markers).
	if st, err := cl.objectStream(ctx); err != nil {
		errs = append(errs, err)
	} else {
		for _, p := range []string{"r.", "p.", "h."} {
			if err := st.Purge(ctx, jetstream.WithPurgeSubject("$KV."+objectBucket+"."+p+cl.sess+".*")); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, b := range blobs {
		if err := cl.c.blobs.Delete(ctx, b); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
			errs = append(errs, err)
			break
		}
	}
	cl.actors.naming.Wait() // names of killed actors freed (actor.go)
	if cl.own {
		cl.c.close()
	}
	return errors.Join(errs...)
}
