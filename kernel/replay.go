package kernel

import "sync"

// maxSeenSignatures bounds the signatures remembered to reject replays; it
// is jupyter_client Session's digest_history_size.
const maxSeenSignatures = 1 << 16

// replayGuard remembers the signatures of the signed messages received, so
// that a message sent again unchanged (a replay by someone who captured it,
// without the key) is rejected, as jupyter_client's Session does. The
// oldest signatures are forgotten first once maxSeenSignatures are kept.
// Safe for concurrent use.
type replayGuard struct {
	max int

	mu    sync.Mutex
	seen  map[string]struct{}
	order []string // ring of the remembered signatures, oldest at next
	next  int
}

func newReplayGuard(max int) *replayGuard {
	return &replayGuard{max: max, seen: make(map[string]struct{}, 1024)}
}

// fresh records sig and reports whether it was not seen before. Empty
// signatures (no key: nothing to replay-protect) are always fresh.
func (g *replayGuard) fresh(sig string) bool {
	if sig == "" {
		return true
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.seen[sig]; ok {
		return false
	}
	g.seen[sig] = struct{}{}
	if len(g.order) < g.max {
		g.order = append(g.order, sig)
		return true
	}
	delete(g.seen, g.order[g.next])
	g.order[g.next] = sig
	g.next = (g.next + 1) % g.max
	return true
}
