package p

import (
	"sync"
	"time"
)

type worker struct{ t *time.Ticker }

func use(*time.Ticker) {}

// The ticker escapes: its new owner stops it. No finding.
func returned(d time.Duration) *time.Ticker {
	t := time.NewTicker(d)
	return t
}

func stored(d time.Duration) *worker {
	t := time.NewTicker(d)
	return &worker{t: t}
}

func field(w *worker, d time.Duration) {
	w.t = time.NewTicker(d)
}

func passed(d time.Duration) {
	t := time.NewTicker(d)
	use(t)
}

func sent(ch chan<- *time.Ticker, d time.Duration) {
	t := time.NewTicker(d)
	ch <- t
}

// Used by a goroutine: a deferred Stop would leave it blocked on t.C forever.
func goroutine(d time.Duration) {
	t := time.NewTicker(d) // want "no automatic fix: `t` is used in a go statement"
	go func() {
		for range t.C {
			println("tick")
		}
	}()
}

// Used by a callback that may run after the function returns.
func callback(d time.Duration) {
	t := time.NewTicker(d) // want "no automatic fix: `t` is used in a function literal that is passed"
	time.AfterFunc(d, func() {
		<-t.C
	})
}

// Used by a deferred function registered before the Stop would be: it runs after it.
func deferredEarlier(wg *sync.WaitGroup, d time.Duration) {
	var t *time.Ticker
	defer func() {
		<-t.C
		wg.Done()
	}()
	t = time.NewTicker(d) // want "no automatic fix: `t` is used in a deferred function"
}

// The channel is returned.
func channelOut(d time.Duration) <-chan time.Time {
	t := time.NewTicker(d) // want "no automatic fix: its channel is returned"
	return t.C
}

// Assigned twice: a deferred Stop would only stop the second ticker.
func twice(d time.Duration) {
	t := time.NewTicker(d) // want "assigned more than once"
	<-t.C
	t = time.NewTicker(2 * d) // want "assigned more than once"
	<-t.C
}
