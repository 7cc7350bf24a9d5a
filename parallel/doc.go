// Package parallel is an in-process, Ray-style task runtime: remote functions,
// object references as futures, Get/GetAll/Wait/Put, nested tasks, a CPU-aware
// scheduler and a timeline. Notebook cells run by warren see it as package ray.
//
// # Model
//
// Remote(fn) turns any func value into a RemoteFunction; its Remote method
// submits a task and returns an ObjectRef at once. Get, GetAll and Wait wait
// for refs. A ref passed as a top-level argument is a dependency: the task
// runs once the value is ready and receives the value; until then it holds
// no resources. Each task holds its CPUs (default 1, see TaskCPUs) and custom
// resources while it runs; at most the runtime's NumCPUs worth of tasks run
// at once, and ready tasks start in submission order as resources allow. A
// task that blocks in Get, GetAll or Wait gives its resources back and takes
// them again before it continues, so nested tasks never deadlock the runtime.
//
// # Actors
//
// NewActor creates an actor: its constructor runs once, as a task, and what
// it returns is the actor's state, kept for the actor's life. Actor.Remote
// submits a call, a function whose first parameter receives the state
// (methods of an interpreter's types are invisible to reflect, so calls
// are functions rather than method names), and returns an ObjectRef usable
// wherever a task's is. One caller's calls start in submission order, one at
// a time unless MaxConcurrency allows more; a call waiting for a ref argument
// holds up only its own caller. An actor holds no CPU unless given ActorCPUs
// or ActorResources, which it then holds for its life. ActorName and
// GetActor name actors; Kill ends one. See actor.go for the details.
//
// # Immutable objects
//
// As in Ray, objects are immutable. A value is copied when it enters the
// object store (a Remote argument, Put, a task's result) and each time it is
// read (Get, GetAll, a ref passed as an argument), so a task changing its
// argument never changes the caller's data, changing a value after Put
// never changes the object, and two tasks given one map each write their
// own copy. The copy is deep through slices, maps, pointers, arrays, structs
// and interfaces, keeping cycles and sharing within the value; unexported
// fields are copied too, except pointers in them. Shared as they are:
// numbers, strings and bools (nothing to copy), funcs, channels, errors,
// ObjectRefs, structs of the standard library and pointers to them
// (time.Time, *os.File, *big.Int), pointers to structs holding a sync.Mutex
// or other lock, and pointers in unexported fields (see copy.go). Copying costs a memmove
// for flat slices (about 1 ms per 8 MB) and more per element for maps and
// pointer graphs; values with nothing to copy cost nothing.
//
// # Errors
//
// Calls that can only fail by misuse (Remote with a non-function, wrong
// arguments, infeasible resources, bad Wait arguments) panic with an error
// wrapping ErrInvalidCall; Submit and the ...Context variants return errors
// instead. A task fails when it panics or returns a non-nil trailing error;
// Get and GetAll then panic with a *TaskError, and GetContext and
// GetAllContext return it. A task whose input failed does not run; its
// TaskError names the input and unwraps to the input's TaskError, so
// errors.Is and errors.As reach the root cause. A cancelled task's error
// matches ErrCancelled and context.Canceled. A panic in task code never
// crashes the process.
//
// # Runtimes
//
// The package-level functions use a default Runtime, started by Init or on
// first use; a compiled program may also create Runtimes with New. Refs
// work with the package-level Get, GetAll and Wait whatever their runtime.
// Tasks run on pooled goroutines; the runtime finds the task running on the
// calling goroutine by goroutine id (github.com/petermattis/goid), which is
// how Get knows to release the caller's CPUs and how nested tasks inherit
// their parent's group. Goroutines that a task starts itself are not the
// task: they block in Get holding nothing.
//
// # Embedding
//
// A Host (see SetHost) lets an interpreter gate task code (Enter/Exit),
// label tasks with the notebook cell that submitted them (Group,
// CurrentGroup) and cancel them (CancelGroup, AbortStarted). A Host that
// implements ProgressReporter is told the progress of long GetAll and Wait
// calls of the driver (see ProgressAfter).
//
// # Clusters
//
// With Address, a runtime sends the tasks of its RemoteFunctions to a
// Backend (package cluster: worker processes over NATS JetStream) once their
// ref arguments are ready, and resolves their refs when the backend reports
// the results; Get, GetAll, Wait, Cancel and the timeline work as in
// process. The package itself knows no transport: an embedding registers a
// Dialer (SetDialer), and a worker runs what it receives with Runtime.Local.
// A backend that is an ActorBackend also hosts actors: each lives on one
// worker, and the runtime sends it its calls in the order its rules let
// them start (see actor_remote.go). See backend.go.
package parallel
