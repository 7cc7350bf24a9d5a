package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/warren-go/warren/cluster"
)

// workerLoader builds the Loader of `warren worker` and the Shipper of the
// tasks its tasks submit. The default knows only functions compiled into
// warren (a Registry, empty today); a file of this package that provides
// the interpreter's loader replaces it in an init function.
var workerLoader = func() (cluster.Loader, cluster.Shipper, error) {
	r := cluster.NewRegistry()
	return r, r, nil
}

// headCmd runs `warren head`: an embedded NATS server with JetStream file
// storage, until interrupted.
func headCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("warren head", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:4222", "`host:port` workers and notebooks connect to (port 0: any free port)")
	store := fs.String("store", defaultStore(), "`dir`ectory of JetStream's files (queued tasks and values survive a restart)")
	name := fs.String("name", "", "server name, unique in a NATS cluster of heads (default warren-head)")
	clusterListen := fs.String("cluster-listen", "", "`host:port` for the routes of other heads (a NATS cluster of three heads)")
	routes := fs.String("routes", "", "the other heads' cluster addresses, `nats-route://host:port,...`")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "warren head: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var rs []string
	if *routes != "" {
		rs = strings.Split(*routes, ",")
	}
	h, err := cluster.StartHead(cluster.HeadOptions{Listen: *listen, StoreDir: *store, Name: *name,
		ClusterListen: *clusterListen, Routes: rs,
		Logf: func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }})
	if err != nil {
		fmt.Fprintf(stderr, "warren head: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "warren head: listening on %s (store %s)\n", h.URL(), *store)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	h.Shutdown()
	return 0
}

func defaultStore() string {
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "warren", "head")
	}
	return filepath.Join(os.TempDir(), "warren-head")
}

// workerCmd runs `warren worker`: it runs the cluster's tasks until
// interrupted.
func workerCmd(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("warren worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("address", "", "`url` of the cluster, e.g. nats://127.0.0.1:4222 (required)")
	cpus := fs.Int("cpus", 0, "CPUs' worth of tasks to run at once (default: the machine's CPUs)")
	res := fs.String("resources", "", "custom resources offered to tasks, `k=v,...` (e.g. GPU=1)")
	name := fs.String("name", "", "label in timelines and errors (default host:pid)")
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if *addr == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "warren worker: need --address nats://… and no other arguments")
		return 2
	}
	resources, err := parseResources(*res)
	if err != nil {
		fmt.Fprintf(stderr, "warren worker: --resources: %v\n", err)
		return 2
	}
	loader, shipper, err := workerLoader()
	if err != nil {
		fmt.Fprintf(stderr, "warren worker: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = cluster.RunWorker(ctx, *addr, cluster.WorkerOptions{Name: *name, CPUs: *cpus, Resources: resources,
		Loader: loader, Shipper: shipper, Logf: func(f string, a ...any) { fmt.Fprintf(stderr, f+"\n", a...) }})
	if err != nil {
		fmt.Fprintf(stderr, "warren worker: %v\n", err)
		return 1
	}
	return 0
}

// parseResources parses "k=v,k=v".
func parseResources(s string) (map[string]float64, error) {
	m := map[string]float64{}
	if s == "" {
		return m, nil
	}
	for _, kv := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not name=quantity", kv)
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			return nil, fmt.Errorf("%q: quantity must be a non-negative number", kv)
		}
		m[k] = f
	}
	return m, nil
}

// flagExit is the exit code after a flag parse error (0 for -h).
func flagExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
