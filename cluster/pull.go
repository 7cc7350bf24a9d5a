package cluster

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// A worker asks JetStream for tasks with pull requests of its own rather
// than with jetstream.Consumer.Fetch, which subscribes a new inbox, starts
// a goroutine and a timer for every request and unsubscribes after it:
// per task, three protocol messages and a goroutine more than needed.
// Here one subscription receives every task the worker is sent, and one
// request asks for as many tasks as the worker has CPUs free and not yet
// asked for (a task blocked in Get frees its CPUs, see worker.free).
//
// The rule is never to be sent more tasks than free CPUs, so the worker
// counts the tasks asked for and not yet received (asked): each request
// adds its batch, each task received takes one off, and the status that
// ends a request early (408 Request Timeout when it expires, 409 when it
// is cut short) gives back the tasks it did not bring
// (Nats-Pending-Messages); a request refused when it arrives (409
// Exceeded MaxWaiting, say) gives back its whole batch. Every request has
// a reply subject of its own, inbox.<id>, so its status is known to be
// its own; and a request is over within pullWait plus pullGrace after it
// was sent, so with none open asked is 0.
//
// A request that ends without a count of what it brought (a 409
// Leadership Change when a NATS cluster elects a new consumer leader,
// which drops the requests waiting there) leaves asked unknown: the
// worker then starts afresh on a new inbox, as after a reconnection. The
// requests sent to the old inbox find no one listening, and the server
// drops them (a task it was sending that moment goes to another worker
// after ackWait, as if this one had died; one that reached the old inbox
// before it was dropped is still run, which can make one task more than
// the free CPUs, waiting in the worker's runtime for a CPU).

// pullGrace is how long after its expiry (pullWait) a pull request is
// taken to be over even if its status did not arrive (the server may
// have read it late, or lost it in a restart).
const pullGrace = 5 * time.Second

// nextSubject is the JetStream API subject of pull requests for tasks.
const nextSubject = "$JS.API.CONSUMER.MSG.NEXT." + taskStream + "." + taskConsumer

// puller is the state of a worker's pull requests.
type puller struct {
	w *worker

	mu    sync.Mutex
	inbox string // the current inbox; requests reply to inbox.<id>
	sub   *nats.Subscription
	next  uint64         // the last request id
	asked int            // tasks asked for and not received
	open  map[uint64]int // requests not known to be over: their batches
	due   []pullDeadline // the same requests, in the order sent
}

type pullDeadline struct {
	id  uint64
	end time.Time // over by then
}

// pull asks for tasks while the worker has free CPUs, until ctx is done;
// then it waits (at most twice pullWait) for the tasks already asked for
// and hands back any that arrives.
func (w *worker) pull(ctx context.Context) error {
	p := &puller{w: w, open: map[uint64]int{}}
	if err := p.listen(ctx); err != nil {
		return err
	}
	reconnected := w.c.onReconnect()
	for ctx.Err() == nil {
		select {
		case <-reconnected:
			if err := p.listen(ctx); err != nil {
				w.logf("%v", err)
			}
		default:
		}
		if p.ask(ctx) {
			continue
		}
		select {
		case <-w.wake:
		case <-reconnected:
			if err := p.listen(ctx); err != nil {
				w.logf("%v", err)
			}
		case <-time.After(5 * time.Millisecond): // a task blocked in Get gave its CPU back
		case <-ctx.Done():
		}
	}
	stop := time.Now().Add(2 * pullWait)
	for p.waiting() && time.Now().Before(stop) {
		select {
		case <-w.wake:
		case <-time.After(10 * time.Millisecond):
		}
	}
	p.mu.Lock()
	sub := p.sub
	p.mu.Unlock()
	_ = sub.Unsubscribe() // the connection closes next
	return nil
}

// pullWait is how long a pull request waits in JetStream for tasks
// before it expires (the worker then sends a new one).
const pullWait = 500 * time.Millisecond

// listen subscribes to a new inbox, drops the old one, and forgets the
// requests sent to it.
func (p *puller) listen(ctx context.Context) error {
	inbox := p.w.c.nc.NewInbox()
	sub, err := p.w.c.nc.Subscribe(inbox+".*", func(m *nats.Msg) { p.receive(ctx, m) })
	if err != nil {
		return fmt.Errorf("cluster: subscribe for tasks: %w", err)
	}
	p.mu.Lock()
	old := p.sub
	p.inbox, p.sub, p.asked = inbox, sub, 0
	clear(p.open)
	p.due = p.due[:0]
	p.mu.Unlock()
	if old != nil {
		_ = old.Unsubscribe()
	}
	return nil
}

// ask sends a pull request for the worker's free CPUs not yet asked for,
// if there are any, and reports whether it did.
func (p *puller) ask(ctx context.Context) bool {
	p.mu.Lock()
	p.expireLocked(time.Now())
	free := p.w.free() - float64(p.asked)
	n := int(free)
	if n < 1 && p.asked == 0 && free > 0 {
		n = 1 // a fraction of a CPU free, and nothing coming: ask for one task
	}
	if n < 1 {
		p.mu.Unlock()
		return false
	}
	p.next++
	id := p.next
	p.asked += n
	p.open[id] = n
	p.due = append(p.due, pullDeadline{id: id, end: time.Now().Add(pullWait + pullGrace)})
	reply := p.inbox + "." + strconv.FormatUint(id, 10)
	p.mu.Unlock()
	body := fmt.Appendf(nil, `{"batch":%d,"expires":%d}`, n, pullWait.Nanoseconds())
	if err := p.w.c.nc.PublishRequest(nextSubject, reply, body); err != nil {
		p.ended(reply, allPending)
		if ctx.Err() == nil {
			p.w.logf("pull request: %v", err)
			time.Sleep(100 * time.Millisecond)
		}
	}
	return true
}

// expireLocked forgets the requests that are over by now; with none left,
// no task can be on its way and asked is 0.
func (p *puller) expireLocked(now time.Time) {
	i := 0
	for i < len(p.due) && now.After(p.due[i].end) {
		delete(p.open, p.due[i].id)
		i++
	}
	p.due = p.due[i:]
	if len(p.open) == 0 {
		p.asked = 0
	}
}

// waiting reports whether tasks asked for may still arrive.
func (p *puller) waiting() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expireLocked(time.Now())
	return p.asked > 0
}

// allPending is the pending count of a request refused when it arrived.
const allPending = -2

// ended records that the request replied to at subject is over with
// pending of its tasks not sent (-1: not known; allPending: none sent).
// It reports whether asked is no longer known: the worker must listen
// anew.
func (p *puller) ended(subject string, pending int) (unknown bool) {
	inbox, idStr, ok := cutLast(subject)
	id, err := strconv.ParseUint(idStr, 10, 64)
	p.mu.Lock()
	defer p.mu.Unlock()
	if !ok || err != nil || inbox != p.inbox {
		return false // a request of an inbox dropped
	}
	batch, open := p.open[id]
	if !open {
		return false // already taken to be over
	}
	delete(p.open, id)
	if pending == allPending {
		pending = batch
	}
	if pending > 0 {
		p.asked = max(0, p.asked-pending)
	}
	if len(p.open) == 0 {
		p.asked = 0
		return false
	}
	return pending < 0
}

func cutLast(s string) (before, after string, ok bool) {
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// receive handles one message on the inbox: a task, or the status that
// ends a request.
func (p *puller) receive(ctx context.Context, m *nats.Msg) {
	defer p.w.signal()
	if status := m.Header.Get("Status"); status != "" && len(m.Data) == 0 {
		if status == "100" {
			return // a heartbeat (not asked for)
		}
		pending := -1 // not known
		desc := m.Header.Get("Description")
		if s := m.Header.Get("Nats-Pending-Messages"); s != "" {
			if n, err := strconv.Atoi(s); err == nil {
				pending = n
			}
		} else if status == "400" || strings.HasPrefix(desc, "Exceeded") {
			pending = allPending // refused when it arrived (MaxWaiting, ...)
		}
		if p.ended(m.Subject, pending) && ctx.Err() == nil {
			if err := p.listen(ctx); err != nil {
				p.w.logf("%v", err)
			}
		}
		if status != "408" && status != "409" && ctx.Err() == nil {
			p.w.logf("pull request: %s %s", status, desc)
		}
		return
	}
	tm := &pulledMsg{msg: m, nc: p.w.c.nc}
	if ctx.Err() != nil {
		_ = tm.Nak()
	} else {
		p.w.accept(ctx, tm) // reserves the task's CPUs before asked drops
	}
	p.mu.Lock()
	p.asked = max(0, p.asked-1)
	p.mu.Unlock()
}

// pulledMsg is a task message received on a worker's inbox as a
// jetstream.Msg: acknowledgements are publications to its reply subject,
// as jetstream's own messages make them.
type pulledMsg struct {
	msg *nats.Msg
	nc  *nats.Conn

	mu   sync.Mutex
	ackd bool // acked, Nak'd or terminated: later acks are refused
}

func (m *pulledMsg) Data() []byte                       { return m.msg.Data }
func (m *pulledMsg) Headers() nats.Header               { return m.msg.Header }
func (m *pulledMsg) Subject() string                    { return m.msg.Subject }
func (m *pulledMsg) Reply() string                      { return m.msg.Reply }
func (m *pulledMsg) Ack() error                         { return m.reply("+ACK", true) }
func (m *pulledMsg) Nak() error                         { return m.reply("-NAK", true) }
func (m *pulledMsg) InProgress() error                  { return m.reply("+WPI", false) }
func (m *pulledMsg) Term() error                        { return m.reply("+TERM", true) }
func (m *pulledMsg) TermWithReason(reason string) error { return m.reply("+TERM "+reason, true) }

func (m *pulledMsg) NakWithDelay(delay time.Duration) error {
	return m.reply(fmt.Sprintf(`-NAK {"delay": %d}`, delay.Nanoseconds()), true)
}

// DoubleAck acknowledges the message and waits for the server to confirm.
func (m *pulledMsg) DoubleAck(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ackd {
		return jetstream.ErrMsgAlreadyAckd
	}
	if _, err := m.nc.RequestWithContext(ctx, m.msg.Reply, []byte("+ACK")); err != nil {
		return err
	}
	m.ackd = true
	return nil
}

func (m *pulledMsg) reply(body string, final bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.ackd {
		return jetstream.ErrMsgAlreadyAckd
	}
	if m.msg.Reply == "" {
		return jetstream.ErrMsgNoReply
	}
	if err := m.nc.Publish(m.msg.Reply, []byte(body)); err != nil {
		return err
	}
	m.ackd = final
	return nil
}

// Metadata returns the delivery's metadata, read from its reply subject.
func (m *pulledMsg) Metadata() (*jetstream.MsgMetadata, error) {
	md, err := m.msg.Metadata()
	if err != nil {
		return nil, err
	}
	return &jetstream.MsgMetadata{
		Sequence:     jetstream.SequencePair{Consumer: md.Sequence.Consumer, Stream: md.Sequence.Stream},
		NumDelivered: md.NumDelivered, NumPending: md.NumPending, Timestamp: md.Timestamp,
		Stream: md.Stream, Consumer: md.Consumer, Domain: md.Domain,
	}, nil
}

var _ jetstream.Msg = (*pulledMsg)(nil)
