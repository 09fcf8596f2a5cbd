package p

import (
	"sync"
	"sync/atomic"
)

// Correct: Add before the go statement.
func correct(jobs []func()) {
	var wg sync.WaitGroup
	for _, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			job()
		}()
	}
	wg.Wait()
}

// A type of our own with Add, Done and Wait methods: not a sync.WaitGroup.
type tracker struct{ n int }

func (t *tracker) Add(n int) { t.n += n }
func (t *tracker) Done()     { t.n-- }
func (t *tracker) Wait()     {}

func tracked(work func()) {
	var wg tracker
	go func() {
		wg.Add(1)
		defer wg.Done()
		work()
	}()
	wg.Wait()
}

// An atomic counter's Add.
func inflight(work func()) int64 {
	var n atomic.Int64
	go func() {
		n.Add(1)
		defer n.Add(-1)
		work()
	}()
	return n.Load()
}

// A struct field of another type.
type stats struct {
	wg tracker
}

func (s *stats) run(work func()) {
	go func() {
		s.wg.Add(1)
		defer s.wg.Done()
		work()
	}()
}

// The Add is not the first statement: someone thought about it; not this rule.
func notFirst(wg *sync.WaitGroup, ready chan<- struct{}, work func()) {
	go func() {
		ready <- struct{}{}
		wg.Add(1)
		defer wg.Done()
		work()
	}()
}

// Unknown type, and no Done or Wait in sight.
func newCounter() *tracker { return &tracker{} }

func unknown(work func()) {
	c := newCounter()
	go func() {
		c.Add(1)
		work()
	}()
}

// A named function, not a literal.
func worker(wg *sync.WaitGroup) {
	wg.Add(1)
	defer wg.Done()
}

func named(wg *sync.WaitGroup) {
	go worker(wg)
	wg.Wait()
}

// Suppressed.
func suppressed(work func()) {
	var wg sync.WaitGroup
	go func() {
		wg.Add(1) //gofix:ignore wg-add-in-goroutine
		defer wg.Done()
		work()
	}()
	wg.Wait()
}
