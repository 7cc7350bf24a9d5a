package iter

// Pull converts the push iterator seq into a pull iterator: next returns
// the sequence's next value and true, or the zero value and false once the
// sequence has ended or stop was called; stop ends the iteration (seq's
// yield returns false) and may be called any number of times. A panic in
// seq goes on in the call of next or stop that was waiting for it.
//
// Go runs seq as a coroutine; this version runs it in a goroutine that
// takes turns with the caller over unbuffered channels, so only one of
// them runs at a time. Like Go's, next and stop must not be called from
// several goroutines at once.
func Pull[V any](seq Seq[V]) (func() (V, bool), func()) {
	var zero V
	state := 0             // 0: not started, 1: seq waits in yield, 2: done
	req := make(chan bool) // to seq's goroutine: true for a value, false to stop
	out := make(chan V)
	fin := make(chan bool) // closed when seq has returned
	var failure any
	failed := false
	start := func() {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					failure, failed = r, true
				}
				close(fin)
			}()
			first := <-req
			if !first {
				return
			}
			stopped := false
			seq(func(v V) bool {
				if stopped {
					panic("iter.Pull: yield called again after it returned false")
				}
				out <- v
				more := <-req
				stopped = !more
				return more
			})
		}()
	}
	next := func() (V, bool) {
		if state == 2 {
			return zero, false
		}
		if state == 0 {
			state = 1
			start()
		}
		req <- true
		select {
		case v := <-out:
			return v, true
		case <-fin:
			state = 2
			if failed {
				panic(failure)
			}
			return zero, false
		}
	}
	stop := func() {
		if state == 2 {
			return
		}
		if state == 0 {
			state = 2
			return
		}
		state = 2
		req <- false
		<-fin
		if failed {
			panic(failure)
		}
	}
	return next, stop
}

// Pull2 converts the push iterator seq of pairs into a pull iterator, as
// Pull does for single values.
func Pull2[K, V any](seq Seq2[K, V]) (func() (K, V, bool), func()) {
	var zk K
	var zv V
	state := 0
	req := make(chan bool)
	keys := make(chan K)
	vals := make(chan V)
	fin := make(chan bool)
	var failure any
	failed := false
	start := func() {
		go func() {
			defer func() {
				if r := recover(); r != nil {
					failure, failed = r, true
				}
				close(fin)
			}()
			first := <-req
			if !first {
				return
			}
			stopped := false
			seq(func(k K, v V) bool {
				if stopped {
					panic("iter.Pull2: yield called again after it returned false")
				}
				keys <- k
				vals <- v
				more := <-req
				stopped = !more
				return more
			})
		}()
	}
	next := func() (K, V, bool) {
		if state == 2 {
			return zk, zv, false
		}
		if state == 0 {
			state = 1
			start()
		}
		req <- true
		select {
		case k := <-keys:
			v := <-vals
			return k, v, true
		case <-fin:
			state = 2
			if failed {
				panic(failure)
			}
			return zk, zv, false
		}
	}
	stop := func() {
		if state == 2 {
			return
		}
		if state == 0 {
			state = 2
			return
		}
		state = 2
		req <- false
		<-fin
		if failed {
			panic(failure)
		}
	}
	return next, stop
}
