package cluster

import (
	"bytes"
	"testing"
)

// The cache returns what was added, drops the least recently used blobs
// beyond its bound, and keeps none larger than the bound.
func TestBlobCache(t *testing.T) {
	c := newBlobCache(10)
	c.add("a", []byte("aaaa"))
	c.add("b", []byte("bbbb"))
	if d, ok := c.get("a"); !ok || !bytes.Equal(d, []byte("aaaa")) {
		t.Fatalf("get a = %q, %v", d, ok)
	}
	c.add("c", []byte("cccc")) // 12 bytes: b, least recently used, goes
	if _, ok := c.get("b"); ok {
		t.Error("b is still cached beyond the bound")
	}
	for _, k := range []string{"a", "c"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("%s was dropped", k)
		}
	}
	c.add("big", make([]byte, 11))
	if _, ok := c.get("big"); ok {
		t.Error("a blob larger than the cache was kept")
	}
	if c.size != 8 {
		t.Errorf("size = %d, want 8", c.size)
	}
	var none *blobCache // a driver's: caches nothing
	none.add("a", []byte("a"))
	if _, ok := none.get("a"); ok {
		t.Error("a nil cache returned a blob")
	}
}
