package cluster

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/warren-go/warren/parallel"
)

// A large result that the driver only passes on to another task is never
// fetched by the driver, and a task on the worker that made it reads it
// from the worker's cache: with the value deleted from the object store
// after the first use, a second task on the same worker still gets it and
// the driver's Get fails to fetch it.
func TestClusterLargeResultsByKey(t *testing.T) {
	fn := registryFunc(t, testRegistry())
	tc := startCluster(t)
	tc.startWorker(1)
	rt, cl := tc.connect(1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	long := rt.Remote(fn("iota")).Remote(100_000) // over 256 KB: a blob
	sum := rt.Remote(fn("sum"))
	want := 100_000 * 99_999 / 2
	if v := get(t, sum.Remote(long)); v != want {
		t.Fatalf("sum(iota(100000)) = %v, want %d", v, want)
	}
	names, err := cl.c.blobs.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	deleted := 0
	for _, info := range names {
		if strings.HasPrefix(info.Name, "v.r."+cl.Session()+".") {
			if err := cl.c.blobs.Delete(ctx, info.Name); err != nil {
				t.Fatal(err)
			}
			deleted++
		}
	}
	if deleted != 1 {
		t.Fatalf("%d large results in the object store, want iota's 1", deleted)
	}
	if v := get(t, sum.Remote(long)); v != want {
		t.Errorf("sum(iota(100000)) on the same worker after the blob was deleted = %v, want %d (from the worker's cache)", v, want)
	}
	_, err = parallel.GetContext(ctx, long)
	if err == nil || !strings.Contains(err.Error(), "fetch") {
		t.Errorf("Get(iota(100000)) after its blob was deleted: %v, want a fetch error (the driver had not fetched it)", err)
	}
}
