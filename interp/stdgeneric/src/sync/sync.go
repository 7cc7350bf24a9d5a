// Package sync is warren's interpreted face of the standard package sync:
// the compiled types and functions, under their own names, plus
// OnceValue and OnceValues, which are generic and so cannot be exported
// compiled. It is loaded into every session as source (it shadows the
// compiled table, hence the aliases); it is not imported by compiled code.
package sync

import gosync "sync"

// The compiled API of package sync (a test checks it is complete).
type (
	Cond      = gosync.Cond
	Locker    = gosync.Locker
	Map       = gosync.Map
	Mutex     = gosync.Mutex
	Once      = gosync.Once
	Pool      = gosync.Pool
	RWMutex   = gosync.RWMutex
	WaitGroup = gosync.WaitGroup
)

// The compiled functions of package sync.
var (
	NewCond  = gosync.NewCond
	OnceFunc = gosync.OnceFunc
)

// OnceValue returns a function that calls f only once and returns its
// value. If f panics, the returned function panics with the same value on
// every call.
func OnceValue[T any](f func() T) func() T {
	var (
		once   gosync.Once
		ok     bool
		failed any
		result T
	)
	return func() T {
		once.Do(func() {
			defer func() {
				if !ok {
					failed = recover()
					panic(failed)
				}
			}()
			result = f()
			ok = true
		})
		if !ok {
			panic(failed)
		}
		return result
	}
}

// OnceValues returns a function that calls f only once and returns its
// values. If f panics, the returned function panics with the same value on
// every call.
func OnceValues[T1, T2 any](f func() (T1, T2)) func() (T1, T2) {
	var (
		once   gosync.Once
		ok     bool
		failed any
		r1     T1
		r2     T2
	)
	return func() (T1, T2) {
		once.Do(func() {
			defer func() {
				if !ok {
					failed = recover()
					panic(failed)
				}
			}()
			r1, r2 = f()
			ok = true
		})
		if !ok {
			panic(failed)
		}
		return r1, r2
	}
}
