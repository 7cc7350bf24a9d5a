// Package cluster runs the tasks of warren's ray runtime (package parallel)
// on worker processes connected through NATS JetStream.
//
// It is a backend for parallel: a driver (a notebook session or a compiled
// program) calls Register with its Shipper, after which
// ray.Init(ray.Address("nats://…")) connects the runtime with Connect and
// sends its tasks to the cluster; Get, GetAll, Wait and refs work as in
// process. Workers (RunWorker, the `warren worker` command) pull tasks from
// a JetStream work-queue stream only while they have free CPUs, run them on
// a parallel.Runtime of their own (so a task blocked in Get gives its CPUs
// back, and tasks submitted by tasks go through the cluster), and store
// results in a key-value bucket, large values in an object store. The head
// (StartHead, the `warren head` command) is an embedded nats-server with
// JetStream file storage, alone or as one of a NATS cluster of three; any
// NATS server or cluster with JetStream serves as well.
//
// Functions travel as FuncRefs: a Shipper on the driver names them and a
// Loader on each worker resolves them (Registry for compiled programs; the
// interpreter supplies its own for notebook cells). Values travel encoded
// with encoding/gob by static type (see codec.go for what works). A large
// result (over 256 KB, kept in the object store) reaches a driver only when
// it reads it (parallel.Lazy); passed on to other tasks it goes by key, and
// a worker keeps the large values it stored or fetched lately (blobCache).
// Refs inside values travel as refs (see refs.go): a value holding refs
// carries a table from each ref's wire id to the key of its value, the
// receiving Client binds each decoded ref to its entry and resolves it
// when that key holds a value, and a worker holds the refs inside a result
// until the result's owner announces its deletion.
//
// Actors (parallel.ActorBackend, actor.go and actorhost.go): a Client
// publishes an actor's constructor to the task stream; the worker that
// pulls it runs it on its runtime and keeps the actor, a parallel.Actor of
// its own holding the actor's CPUs and resources there. The actor's calls
// go to that worker only, as core-NATS messages on its actor subjects, in
// the order the driver's runtime sends them, each acknowledged at once;
// the worker submits them to the actor in that order (so MaxConcurrency
// and the order rules hold there), and stores results in the key-value
// bucket under the calls' result keys, as tasks' results. There are no
// restarts: the Client pings the workers holding its actors, and an actor
// whose worker is gone (no subscriber: at once; no answer: after 3 s) dies,
// failing its calls with *parallel.ActorDiedError; a head restart kills no
// actor: calls wait for the reconnection (see actoroutage.go). A handle sent to another
// process (parallel.Actor.GobEncode) carries the key of its constructor's
// result, where that process's Client finds the worker (AttachActor); an
// actor's name is a key of the object bucket holding its handle
// (NameActor, LookupActor).
//
// A worker asks JetStream for as many tasks as it has CPUs free and not
// yet asked for, with pull requests answered on one inbox of its own, and
// counts what each request brings or gives back so that it is never sent
// more tasks than free CPUs (see pull.go). It never stops listening for a
// request it sent while connected (a task delivered to an abandoned
// request would wait for AckWait before another delivery).
//
// Faults follow Ray's rules: a worker that dies while running a task stops
// acknowledging it, JetStream redelivers the task after its AckWait
// (ackWait, 2 s), and it runs again elsewhere, up to MaxRetries times (3
// if not given); then, or for a task whose function no worker can load, Get
// fails with a *RemoteError marked System. Only runs count: a worker that
// lacks a task's resources hands it back and counts the hand-back (see
// handback.go). A task's own failure (panic, error result) is never
// retried by the cluster unless RetryExceptions allows it. A task whose
// publication is not acknowledged is published again, for at most
// publishSpan, inside the task stream's duplicate window (publish.go).
//
// A dead worker is noticed by JetStream itself, not by the cluster's
// processes: each worker has one goroutine (keepAlive) that sends an
// in-progress ack for every task it holds every progressEvery (250 ms),
// whatever the tasks do (run, block in Get, store results), and JetStream
// redelivers a task that went ackWait without one. The other way, watching
// the workers' heartbeats in the workers bucket and handing a dead
// worker's tasks back (Nak), was not taken: it needs a record of which
// worker holds which task and a process to watch and decide, which can
// itself die or disagree with JetStream, and it is no faster (a worker is
// called dead after missed heartbeats too). A short AckWait has one cost:
// a live worker whose in-progress acks all stall for 1.75 s (a process
// frozen that long, or a head restart or NATS leader change longer than
// ackWait; keepAlive speaks at once after a reconnection) has its task run
// a second time on another worker, as if it had died, unless the
// worker's heartbeat shows it still runs the task (a head restart: see
// redeliver.go).
//
// A driver that ends takes its tasks with it, as in Ray (see driver.go):
// every task carries the session of the driver that owns it (a task
// submitted by a task on a worker, that task's owner); a driver writes a
// heartbeat to a bucket every second and deletes it at Close; a worker
// counts a driver dead once driverMissed (5) of its own heartbeats to the
// same bucket came back without one of the driver's, so a head that
// restarts or stalls makes no driver look dead. Workers then drop the
// driver's queued tasks without running them, cancel the contexts of those
// they run and store no result for them; for a dead driver, one worker
// deletes its values and every worker drops the refs it held for them.
//
// It is not a scheduler of its own (placement of tasks and actors is
// whichever free worker pulls first; there is no locality or spreading
// policy), not a transport (all
// traffic is NATS), and it does not copy code between processes itself: that
// is the Shipper's and Loader's business.
package cluster
