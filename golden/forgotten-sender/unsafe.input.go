package p

import (
	"context"
	"log"
	"sync/atomic"
	"time"
)

// Code after the send runs only once the caller has the reply; with a buffer it would
// run even when the caller gave up: the fix is offered, but only as unsafe.
func handle(ctx context.Context, req string, process func(string) string, acked *atomic.Int64) (string, error) {
	reply := make(chan string) // want "`reply` is unbuffered"
	go func() {
		reply <- process(req)
		acked.Add(1) // counted once the caller has the reply
	}()
	select {
	case r := <-reply:
		return r, nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Two sends in sequence: capacity 2, and the first one is not in tail position.
func twoStep(ctx context.Context, run func()) error {
	progress := make(chan string) // want "buffer of 2"
	go func() {
		progress <- "started"
		run()
		progress <- "finished"
	}()
	for {
		select {
		case s := <-progress:
			if s == "finished" {
				return nil
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// A send that is itself a select case.
func offer(v int, stop <-chan struct{}) (int, bool) {
	out := make(chan int) // want "`out` is unbuffered"
	go func() {
		select {
		case out <- v * v:
		case <-stop:
		}
	}()
	select {
	case r := <-out:
		return r, true
	case <-time.After(time.Millisecond):
		return 0, false
	}
}

// A deferred literal may do anything after the send: unsafe.
func guarded(ctx context.Context, work func() error) error {
	errc := make(chan error) // want "`errc` is unbuffered"
	go func() {
		defer func() {
			if r := recover(); r != nil {
				log.Print(r)
			}
		}()
		errc <- work()
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Cancelling the caller's context right after a buffered send would race with the
// select that watches it: that cancel is not the goroutine's own state.
func linked(parent context.Context, work func(context.Context) error) error {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	errc := make(chan error) // want "`errc` is unbuffered"
	go func() {
		defer cancel()
		errc <- work(ctx)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
