// Package cluster runs the tasks of warren's ray runtime (package parallel)
// on worker processes connected through NATS JetStream.
//
// It is a backend for parallel: a driver (a notebook session or a compiled
// program) connects with Connect and registers it with parallel, after which
// ray.Init(ray.Address("nats://…")) sends tasks to the cluster. Workers
// (RunWorker, the `warren worker` command) pull tasks from a JetStream
// work-queue stream when they have free CPUs and resources, run them and store
// results in a key-value bucket (large values in an object store). The head
// (StartHead, `warren head`) is an embedded nats-server with JetStream file
// storage; any existing NATS cluster with JetStream works too.
//
// Functions travel as FuncRefs: a Shipper on the driver names them and a
// Loader on each worker resolves them (Registry for compiled programs; the
// interpreter supplies its own for notebook cells).
//
// It is not a scheduler of its own (placement is whichever free worker pulls
// first), not a transport (all traffic is NATS), and it does not copy code
// between processes itself: that is the Shipper's and Loader's business.
package cluster
