package cluster

import (
	"context"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Release implements parallel.Releaser: the result of the session's task
// id, which no ref in the process refers to any more, is deleted from the
// cluster (with its large values). If deletions fall far behind, the value
// stays until Close.
func (cl *Client) Release(id uint64) {
	key := cl.resultKey(id)
	if cl.actors.keepsResult(key) {
		return // an actor constructor's: kept for the actor's handles (actor.go)
	}
	select {
	case cl.release <- key:
	default:
	}
}

// ReleaseObject implements parallel.Releaser: a Put value the Client
// uploaded (a large one) is deleted once no ref to it is left.
func (cl *Client) ReleaseObject(id uint64) {
	cl.mu.Lock()
	key, ok := cl.uploads[id]
	delete(cl.uploads, id)
	cl.mu.Unlock()
	if !ok {
		return // sent inside the task messages: nothing stored
	}
	select {
	case cl.release <- key:
	default:
	}
}

// deleter deletes released results until the Client closes.
func (cl *Client) deleter() {
	defer cl.wg.Done()
	for {
		select {
		case <-cl.ctx.Done():
			return
		case key := <-cl.release:
			cl.purge(key)
		}
	}
}

// purge removes key (a result or an upload) from objectBucket's stream
// (leaving no delete marker) and deletes its blobs.
func (cl *Client) purge(key string) {
	ctx, cancel := context.WithTimeout(cl.ctx, 5*time.Second)
	defer cancel()
	if st, err := cl.objectStream(ctx); err == nil {
		_ = st.Purge(ctx, jetstream.WithPurgeSubject("$KV."+objectBucket+"."+key))
	}
	cl.mu.Lock()
	blobs := cl.results[key]
	delete(cl.results, key)
	carried := cl.carries[key]
	delete(cl.carries, key)
	delete(cl.pins, key) // the refs inside its arguments
	cl.mu.Unlock()
	if carried { // the workers holding the refs inside it may drop them
		_ = cl.c.nc.Publish(releaseSubject+"."+key, nil)
	}
	for _, b := range blobs {
		_ = cl.c.blobs.Delete(ctx, b)
	}
}

// objectStream returns objectBucket's stream.
func (cl *Client) objectStream(ctx context.Context) (jetstream.Stream, error) {
	cl.mu.Lock()
	st := cl.kvs
	cl.mu.Unlock()
	if st != nil {
		return st, nil
	}
	st, err := cl.c.js.Stream(ctx, "KV_"+objectBucket)
	if err != nil {
		return nil, err
	}
	cl.mu.Lock()
	cl.kvs = st
	cl.mu.Unlock()
	return st, nil
}
