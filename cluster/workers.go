package cluster

import (
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// What a Client knows of the cluster's workers: their heartbeats in
// workersBucket, and whether a task's request fits one of them.

// liveWorkersLocked returns the workers heard from recently.
func (cl *Client) liveWorkersLocked() []workerInfo {
	ws := make([]workerInfo, 0, len(cl.workers))
	for _, w := range cl.workers {
		if time.Since(w.seen) <= staleAfter {
			ws = append(ws, w)
		}
	}
	return ws
}

// Resources implements parallel.ResourceReporter: the totals of the live
// workers (heard from in the last 5 s), and what they had free at their
// last heartbeat (at most a second ago).
func (cl *Client) Resources() (total, free map[string]float64) {
	total, free = map[string]float64{"CPU": 0}, map[string]float64{"CPU": 0}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for _, w := range cl.liveWorkersLocked() {
		total["CPU"] += w.CPUs
		for k, v := range w.Res {
			total[k] += v
		}
		for k, v := range w.Free {
			free[k] += v
		}
	}
	return total, free
}

// feasible returns an error if workers are connected (heard from in the
// last staleAfter) and none of them has cpus CPUs and res.
func (cl *Client) feasible(cpus float64, res map[string]float64) error {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	live := cl.liveWorkersLocked()
	if len(live) == 0 {
		return nil
	}
	var have []string
	for _, w := range live {
		if fits(w, cpus, res) {
			return nil
		}
		have = append(have, fmt.Sprintf("%s: %v CPU %v", w.Name, w.CPUs, w.Res))
	}
	return fmt.Errorf("no worker of the cluster has %v CPUs and resources %v (workers: %s)", cpus, res, strings.Join(have, "; "))
}

func fits(w workerInfo, cpus float64, res map[string]float64) bool {
	if cpus > w.CPUs {
		return false
	}
	for k, v := range res {
		if v > w.Res[k] {
			return false
		}
	}
	return true
}

// watchWorkers keeps cl.workers up to date.
func (cl *Client) watchWorkers(w jetstream.KeyWatcher) {
	defer cl.wg.Done()
	defer func() { _ = w.Stop() }()
	initial := true
	for {
		select {
		case <-cl.ctx.Done():
			return
		case e, ok := <-w.Updates():
			if !ok {
				return
			}
			if e == nil {
				if initial {
					initial = false
					close(cl.ready)
				}
				continue
			}
			cl.mu.Lock()
			if e.Operation() == jetstream.KeyValuePut {
				var wi workerInfo
				if gobDecode(e.Value(), &wi) == nil {
					wi.seen = e.Created()
					cl.workers[e.Key()] = wi
				}
			} else {
				delete(cl.workers, e.Key())
			}
			cl.mu.Unlock()
		}
	}
}
