package cluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// Drivers' liveness. As in Ray, the tasks of a driver that ended are
// withdrawn: workers skip (ack and drop without running) the queued tasks
// of a driver that called Shutdown or died, cancel the context of those
// they run, and the values a dead driver left in the cluster are deleted.
//
// Every task carries its owner (taskMsg.Owner): the session of the driver
// that submitted it, or, for a task submitted by a task on a worker, the
// owner of that task (the root's driver). A driver (a Client made by
// Connect) writes its key "d.<session>" in driversBucket every driverBeat,
// and deletes it at Close: workers watching the bucket see the deletion at
// once. A driver that died (kill -9, a kernel restarted, a machine lost)
// just stops writing. Each worker writes a key of its own ("o.<worker>")
// in the same bucket every driverBeat too, and calls a driver dead when
// driverMissed of its own writes came back through its watch of the bucket
// after the driver's last one. Counting the bucket's own writes, not time,
// keeps a stalled head (a restart, a NATS leader election) from looking
// like dead drivers: while the bucket takes no writes, no worker's count
// goes up either.
//
// Not taken: NATS's connection events ($SYS.ACCOUNT.*.DISCONNECT) need the
// system account, which a NATS server shared with others does not give
// its clients, and a client that reconnects (a network blip, a head
// failing over) disconnects without ending; a bucket TTL's deletion
// markers, because a head restarted after more than the TTL would expire
// every driver's key at once.
//
// The first worker to call a driver dead claims "g.<session>" in
// objectBucket (a KV Create, which one writer wins; kept objectTTL) and
// deletes the driver's results and uploads ("r.<session>.*",
// "p.<session>.*") with their large values; every worker drops the refs it
// held for them. Nothing a live process can reach is deleted: only the dead
// driver's tasks (being withdrawn) could read its values. A driver that
// finds its "g." key (it was cut off from the cluster for driverMissed
// beats while the workers were not, and is back within objectTTL) fails its
// pending tasks and further submissions with errDisowned.
const (
	driversBucket = "warren_drivers"
	driverBeat    = heartbeat // 1 s
	driverMissed  = 5
	driverTTL     = 10 * time.Second
	maxGone       = 10000 // dead drivers a worker remembers
	// waitSettled bounds how long a worker holds the task of a driver it
	// has not heard from while its own writes do not come back.
	waitSettled = 4 * driverMissed * driverBeat
)

// errDisowned fails the tasks of a driver the workers counted dead.
var errDisowned = errors.New("cluster: the workers counted this driver dead (it wrote no heartbeat for 5 s while they did) and withdrew its tasks and values: call ray.Shutdown, then ray.Init again")

// shipped is what Prepare keeps in a RemoteTask's Code.
type shipped struct {
	Ref   FuncRef
	Owner string // the session of the driver owning the task
}

// driverInfo is a driver's entry in driversBucket.
type driverInfo struct {
	Host string
	Pid  int
}

func driverKey(sess string) string { return "d." + sess }

// goneKey is the key in objectBucket (file storage, kept objectTTL) that
// says the workers counted the driver sess dead.
func goneKey(sess string) string { return "g." + sess }

// owner returns the owner of a task submitted now, on the calling
// goroutine: the Client's own session for a driver, the owner of the task
// running on the goroutine for a worker's Client ("" if none).
func (cl *Client) owner() string {
	if cl.ownerOf != nil {
		return cl.ownerOf()
	}
	return cl.sess
}

// startBeat writes the driver's key once (so that the workers know the
// driver before its first task) and then every driverBeat until the
// Client closes.
func (cl *Client) startBeat(ctx context.Context) error {
	host, _ := os.Hostname()
	info, err := gobBytes(&driverInfo{Host: host, Pid: os.Getpid()})
	if err != nil {
		return err
	}
	if _, err := cl.c.drivers.Put(ctx, driverKey(cl.sess), info); err != nil {
		return fmt.Errorf("cluster: announce driver: %w", err)
	}
	cl.wg.Add(1)
	go cl.beat(info)
	return nil
}

// beat writes the driver's key every driverBeat, and at once after a
// reconnection, and checks that no worker counted the driver dead.
func (cl *Client) beat(info []byte) {
	defer cl.wg.Done()
	t := time.NewTicker(driverBeat)
	defer t.Stop()
	reconnected := cl.c.onReconnect()
	for {
		select {
		case <-cl.ctx.Done():
			return
		case <-t.C:
		case <-reconnected:
		}
		ctx, cancel := context.WithTimeout(cl.ctx, driverBeat)
		cl.beatMu.Lock()
		if cl.ending {
			cl.beatMu.Unlock()
			cancel()
			return
		}
		_, _ = cl.c.drivers.Put(ctx, driverKey(cl.sess), info)
		cl.beatMu.Unlock()
		_, err := cl.c.objects.Get(ctx, goneKey(cl.sess))
		cancel()
		if err == nil {
			cl.disown("", errDisowned)
			return
		}
	}
}

// endBeat deletes the driver's key: the workers withdraw its tasks.
func (cl *Client) endBeat(ctx context.Context) error {
	if !cl.own {
		return nil
	}
	return cl.c.drivers.Delete(ctx, driverKey(cl.sess))
}

// Ending implements parallel.Ender: the driver's heartbeat key goes at
// once, before the runtime cancels the running tasks, so that the workers
// withdraw the queued ones before a cancelled task's CPU could start one.
func (cl *Client) Ending() {
	cl.beatMu.Lock() // no heartbeat after the delete
	cl.ending = true
	cl.beatMu.Unlock()
	ctx, cancel := context.WithTimeout(cl.ctx, 5*time.Second)
	defer cancel()
	_ = cl.endBeat(ctx) // Close deletes it again if this failed
}

// disown fails the pending tasks owned by sess ("": all of them, and the
// Client's later submissions) with err.
func (cl *Client) disown(sess string, err error) {
	cl.mu.Lock()
	if sess == "" {
		cl.dead = err
	}
	var ts []*parallel.RemoteTask
	for k, t := range cl.pending {
		if sh, _ := t.Code.(shipped); sess == "" || sh.Owner == sess {
			ts = append(ts, t)
			delete(cl.pending, k)
		}
	}
	cl.mu.Unlock()
	for _, t := range ts {
		t.Done(parallel.RemoteResult{Err: &RemoteError{Message: err.Error(), System: true}})
	}
}

// liveness is a worker's view of the drivers (see above).
type liveness struct {
	self string // the worker's own key in driversBucket

	mu      sync.Mutex
	beats   uint64              // the worker's own writes seen
	start   uint64              // beats when the watch (re)started
	ownLast time.Time           // the last own write counted
	seen    map[string]seenBeat // live drivers: their last write
	gone    map[string]bool     // drivers that ended or died
	keys    map[string]string   // result key of a task the worker holds → its owner
	tasks   map[uint64]string   // local task running a cluster task → its owner
	cleaned map[string]bool     // dead drivers whose values this worker tried to delete

	ctx context.Context // until the worker stops
	cl  *Client         // the worker's Client (of the tasks its tasks submit)
	wg  sync.WaitGroup  // the watch and the clean-ups
}

type seenBeat struct {
	beat uint64    // the worker's beats when it was seen
	at   time.Time // the write's time
}

func newLiveness(self string) *liveness {
	return &liveness{self: self, seen: map[string]seenBeat{}, gone: map[string]bool{},
		keys: map[string]string{}, tasks: map[uint64]string{}, cleaned: map[string]bool{}}
}

// settledLocked reports whether the watch has seen enough of the worker's
// own writes to call a driver it has not heard from dead.
func (l *liveness) settledLocked() bool { return l.beats-l.start >= driverMissed }

func (l *liveness) markGoneLocked(sess string) bool {
	if l.gone[sess] {
		return false
	}
	if len(l.gone) >= maxGone {
		clear(l.gone)
	}
	delete(l.seen, sess)
	l.gone[sess] = true
	return true
}

// isGone reports whether the driver sess ended or died.
func (l *liveness) isGone(sess string) bool {
	if sess == "" {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gone[sess]
}

// keyGone reports whether the owner of the task of key ended or died.
func (l *liveness) keyGone(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	o := l.keys[key]
	return o != "" && l.gone[o]
}

// dropKey forgets the owner of the task of key, which the worker no
// longer holds.
func (l *liveness) dropKey(key string) {
	l.mu.Lock()
	delete(l.keys, key)
	l.mu.Unlock()
}

// enter records that the calling goroutine runs a task owned by owner
// (tasks it submits are owner's); leave undoes it.
func (l *liveness) enter(owner string) (uint64, bool) {
	info, ok := parallel.CurrentTask()
	if !ok || owner == "" {
		return 0, false
	}
	l.mu.Lock()
	l.tasks[info.ID] = owner
	l.mu.Unlock()
	return info.ID, true
}

func (l *liveness) leave(id uint64) {
	l.mu.Lock()
	delete(l.tasks, id)
	l.mu.Unlock()
}

// ownerOfCurrent is the owner of a task submitted on the calling
// goroutine: that of the cluster task it runs.
func (l *liveness) ownerOfCurrent() string {
	info, ok := parallel.CurrentTask()
	if !ok {
		return ""
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.tasks[info.ID]
}

// startLiveness starts the worker's writes to driversBucket and its watch
// of it; the returned func stops them and waits for the clean-ups started.
func (w *worker) startLiveness(ctx context.Context, cl *Client) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	l := w.live
	l.ctx, l.cl = ctx, cl
	wg := &l.wg
	wg.Add(2)
	go func() {
		defer wg.Done()
		t := time.NewTicker(driverBeat)
		defer t.Stop()
		for {
			pctx, pcancel := context.WithTimeout(ctx, driverBeat)
			_, _ = w.c.drivers.Put(pctx, w.live.self, nil)
			pcancel()
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	go func() {
		defer wg.Done()
		w.watchDrivers(ctx)
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

// watchDrivers follows driversBucket until ctx is done, watching it
// again after a reconnection (a head restarted with memory storage starts
// the bucket afresh).
func (w *worker) watchDrivers(ctx context.Context) {
	reconnected := w.c.onReconnect()
	for ctx.Err() == nil {
		kw, err := w.c.drivers.WatchAll(ctx)
		if err != nil {
			select {
			case <-ctx.Done():
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		w.live.mu.Lock()
		w.live.start = w.live.beats
		w.live.mu.Unlock()
		w.followDrivers(ctx, kw, reconnected)
		_ = kw.Stop()
	}
}

func (w *worker) followDrivers(ctx context.Context, kw jetstream.KeyWatcher, reconnected <-chan struct{}) {
	l := w.live
	for {
		var e jetstream.KeyValueEntry
		select {
		case <-ctx.Done():
			return
		case <-reconnected:
			return
		case x, ok := <-kw.Updates():
			if !ok {
				return
			}
			e = x
		}
		if e == nil {
			continue
		}
		put := e.Operation() == jetstream.KeyValuePut
		var dead []string
		l.mu.Lock()
		switch key := e.Key(); {
		case key == l.self && put && e.Created().After(l.ownLast):
			l.ownLast = e.Created()
			l.beats++
			if l.settledLocked() {
				for sess, s := range l.seen {
					if l.beats-s.beat >= driverMissed {
						l.markGoneLocked(sess)
						dead = append(dead, sess)
					}
				}
			}
		case strings.HasPrefix(key, "d."):
			sess := key[2:]
			if l.gone[sess] {
				break
			}
			if !put {
				l.markGoneLocked(sess)
				l.mu.Unlock()
				w.driverGone(sess, true)
				continue
			}
			if s, ok := l.seen[sess]; !ok || e.Created().After(s.at) {
				l.seen[sess] = seenBeat{beat: l.beats, at: e.Created()}
			}
		}
		l.mu.Unlock()
		for _, sess := range dead {
			w.driverGone(sess, false)
		}
	}
}

// driverGone withdraws the tasks of the driver sess, which ended (clean)
// or died: the tasks the worker runs for it are cancelled, the tasks its
// tasks submitted here and still wait for fail, and for a dead driver the
// refs held for its values are dropped and its values deleted.
func (w *worker) driverGone(sess string, clean bool) {
	cl := w.live.cl
	how := "ended"
	if !clean {
		how = fmt.Sprintf("wrote no heartbeat for %d beats", driverMissed)
	}
	w.logf("driver %s %s: withdrawing its tasks", sess, how)
	w.live.mu.Lock()
	var keys []string
	for k, o := range w.live.keys {
		if o == sess {
			keys = append(keys, k)
		}
	}
	w.live.mu.Unlock()
	var refs []parallel.ObjectRef
	w.mu.Lock()
	for _, k := range keys {
		if r, ok := w.running[k]; ok {
			refs = append(refs, r)
		}
	}
	w.mu.Unlock()
	for _, r := range refs {
		parallel.Cancel(r)
	}
	cl.disown(sess, errors.New("cluster: the driver that owns the task "+how))
	if w.host != nil {
		w.host.killSession(sess) // its actors on this worker (after Close, also told on the release subject)
	}
	if clean {
		return // Close deleted its values and announced it
	}
	cl.dropSession(sess)
	w.live.mu.Lock()
	first := !w.live.cleaned[sess]
	if len(w.live.cleaned) >= maxGone {
		clear(w.live.cleaned)
	}
	w.live.cleaned[sess] = true
	w.live.mu.Unlock()
	if first {
		w.live.wg.Add(1)
		go func() {
			defer w.live.wg.Done()
			w.cleanUp(sess)
		}()
	}
}

// cleanUp deletes what the dead driver sess left in the cluster, unless
// another worker claimed the job.
func (w *worker) cleanUp(sess string) {
	ctx, cancel := context.WithTimeout(w.live.ctx, time.Minute)
	defer cancel()
	if _, err := w.c.objects.Create(ctx, goneKey(sess), []byte("gone")); err != nil {
		return // another worker does it (or the bucket is unreachable: objectTTL is the backstop)
	}
	if st, err := w.c.js.Stream(ctx, "KV_"+objectBucket); err == nil {
		for _, p := range []string{"r.", "p.", "h."} {
			_ = st.Purge(ctx, jetstream.WithPurgeSubject("$KV."+objectBucket+"."+p+sess+".*"))
		}
	}
	objs, err := w.c.blobs.List(ctx)
	if err == nil {
		for _, o := range objs {
			for _, p := range []string{"v.r.", "a.r.", "b.p."} {
				if strings.HasPrefix(o.Name, p+sess+".") {
					_ = w.c.blobs.Delete(ctx, o.Name)
				}
			}
		}
	}
	_ = w.c.nc.Publish(releaseSubject+".s."+sess, nil) // other workers drop their refs for it
	w.logf("driver %s: its values deleted", sess)
}

// skipGone reports whether the task tm, which the worker holds as m, is
// owned by a driver that ended or died; then it is acknowledged (dropped)
// without running. For a driver the worker has not heard from, it waits
// until it can tell.
func (w *worker) skipGone(ctx context.Context, m jetstream.Msg, tm *taskMsg) bool {
	w.live.mu.Lock()
	w.live.keys[tm.Key] = tm.Owner
	w.live.mu.Unlock()
	if tm.Owner == "" || !w.ownerGone(ctx, tm.Owner) {
		return false
	}
	w.live.dropKey(tm.Key)
	w.reserve(-tm.CPUs) // reserved by accept for execute
	_ = m.Ack()
	w.signal()
	return true
}

// ownerGone reports whether the driver owner ended or died. A driver the
// worker has not heard from is looked up once the watch has settled, and
// called dead if it is not in the bucket and no write of it comes within
// two beats (a follower replica may not have a new driver's key yet). A
// worker whose own writes do not come back (the bucket is unreachable)
// cannot tell, and runs the task after waitSettled.
func (w *worker) ownerGone(ctx context.Context, owner string) bool {
	l := w.live
	looked := false
	var since uint64
	begin := time.Now()
	for {
		l.mu.Lock()
		gone, settled, beats := l.gone[owner], l.settledLocked(), l.beats
		_, seen := l.seen[owner]
		l.mu.Unlock()
		switch {
		case gone:
			return true
		case seen:
			return false
		case settled && !looked:
			looked, since = true, beats
			gctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			e, err := w.c.drivers.Get(gctx, driverKey(owner))
			cancel()
			if err == nil {
				l.mu.Lock()
				if !l.gone[owner] {
					l.seen[owner] = seenBeat{beat: l.beats, at: e.Created()}
				}
				l.mu.Unlock()
				continue
			}
			if !errors.Is(err, jetstream.ErrKeyNotFound) {
				return false // cannot tell: run it
			}
		case !settled && time.Since(begin) > waitSettled:
			return false
		case looked && beats-since >= 2:
			l.mu.Lock()
			newly := l.markGoneLocked(owner)
			l.mu.Unlock()
			if newly {
				w.driverGone(owner, false)
			}
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
}
