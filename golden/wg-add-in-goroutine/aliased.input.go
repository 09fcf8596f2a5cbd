package p

import (
	stdsync "sync"
	sync "sync/atomic"
)

// `sync` here is sync/atomic: sync.Int64 is a counter, not a WaitGroup. The real sync
// package is imported as stdsync.
func requests(work func()) int64 {
	var active sync.Int64
	var wg stdsync.WaitGroup
	go func() {
		active.Add(1)
		defer active.Add(-1)
		work()
	}()
	go func() {
		wg.Add(1) // want "wg.Add runs inside"
		defer wg.Done()
		work()
	}()
	wg.Wait()
	return active.Load()
}

type server struct {
	conns stdsync.WaitGroup
}

func (s *server) serve(accept func() bool, handle func()) {
	for accept() {
		go func() {
			s.conns.Add(1) // want "s.conns.Add runs inside"
			defer s.conns.Done()
			handle()
		}()
	}
}
