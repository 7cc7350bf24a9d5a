package cluster

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/warren-go/warren/parallel"
)

// Actor names (ActorName, GetActor, GetIfExists) are the cluster's: the
// key nameKey(name) of the object bucket holds the handle (in its wire
// form) of the live actor that has the name. It is created, never
// overwritten, by the process creating the actor, and deleted when that
// actor dies (KillActor), only if it still holds that actor's handle.

// nameKey is the objectBucket key of an actor name.
func nameKey(name string) string { return "n." + hex.EncodeToString([]byte(name)) }

// NameActor implements parallel.ActorBackend: the name's key in the object
// bucket holds the handle of the actor that has it.
func (cl *Client) NameActor(ra *parallel.RemoteActor) ([]byte, error) {
	h, err := ra.Handle()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(cl.ctx, 30*time.Second)
	defer cancel()
	for {
		_, err := cl.c.objects.Create(ctx, nameKey(ra.Name), h)
		if err == nil {
			return nil, nil
		}
		if !errors.Is(err, jetstream.ErrKeyExists) {
			return nil, fmt.Errorf("cluster: register the actor name: %w", err)
		}
		e, err := cl.c.objects.Get(ctx, nameKey(ra.Name))
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // freed meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("cluster: look up the actor name: %w", err)
		}
		return e.Value(), nil
	}
}

// LookupActor implements parallel.ActorBackend.
func (cl *Client) LookupActor(name string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(cl.ctx, 30*time.Second)
	defer cancel()
	e, err := cl.c.objects.Get(ctx, nameKey(name))
	switch {
	case errors.Is(err, jetstream.ErrKeyNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("cluster: look up the actor name: %w", err)
	}
	return e.Value(), nil
}

// unname frees ra's name if ra has it, in the background (Close waits).
func (cl *Client) unname(ra *parallel.RemoteActor) {
	h, err := ra.Handle()
	if err != nil {
		return
	}
	tb := &cl.actors
	tb.naming.Add(1)
	go func() {
		defer tb.naming.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		key := nameKey(ra.Name)
		e, err := cl.c.objects.Get(ctx, key)
		if err != nil || !bytes.Equal(e.Value(), h) {
			return // another actor's now, or gone
		}
		_ = cl.c.objects.Delete(ctx, key, jetstream.LastRevision(e.Revision()))
	}()
}
