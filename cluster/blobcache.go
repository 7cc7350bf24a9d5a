package cluster

import (
	"container/list"
	"sync"
)

// blobCacheMax bounds the bytes a worker keeps in its blobCache.
const blobCacheMax = 64 << 20

// A blobCache keeps the encoded large values a worker stored or fetched
// lately, by blob name, so that a task taking a value made or fetched on
// the same worker (the next stage of a pipeline, a large Put value given
// to many tasks) decodes it without a round trip to the object store.
// Blob names are never reused for other contents (a result's name is its
// task's key; a retried task stores the same value), so an entry is never
// stale while a task can name it. Least recently used entries go first
// once the cache holds more than max bytes. The byte slices it returns
// must not be modified.
type blobCache struct {
	mu    sync.Mutex
	max   int
	size  int
	order *list.List // of *blobEntry, most recently used first
	byKey map[string]*list.Element
}

type blobEntry struct {
	name string
	data []byte
}

func newBlobCache(max int) *blobCache {
	return &blobCache{max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

// get returns the data of blob name, if cached.
func (c *blobCache) get(name string) ([]byte, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[name]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*blobEntry).data, true
}

// add caches data as blob name (a blob larger than the cache is not kept).
func (c *blobCache) add(name string, data []byte) {
	if c == nil || len(data) > c.max {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[name]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.byKey[name] = c.order.PushFront(&blobEntry{name, data})
	c.size += len(data)
	for c.size > c.max {
		e := c.order.Back()
		be := e.Value.(*blobEntry)
		c.order.Remove(e)
		delete(c.byKey, be.name)
		c.size -= len(be.data)
	}
}
