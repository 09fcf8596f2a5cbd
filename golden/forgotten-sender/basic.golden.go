package p

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// The classic: Serve's error goes to an unbuffered channel, and the select can leave
// through ctx.Done(); the goroutine then blocks on its send forever.
func serve(ctx context.Context, srv *http.Server, l net.Listener) error {
	errc := make(chan error, 1) // want "`errc` is unbuffered and only a goroutine sends on it"
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		_ = srv.Close()
		return ctx.Err()
	}
}

type result struct {
	n   int
	err error
}

// Sends on mutually exclusive paths, each followed by return, count once: capacity 1.
// An explicit capacity of 0 is unbuffered too.
func fetch(ctx context.Context, get func() (int, error)) (int, error) {
	ch := make(chan result, 1) // want "`ch` is unbuffered"
	go func() {
		n, err := get()
		if err != nil {
			ch <- result{err: err}
			return
		}
		ch <- result{n: n}
	}()
	select {
	case r := <-ch:
		return r.n, r.err
	case <-time.After(time.Second):
		return 0, errors.New("timeout")
	}
}

// if/else-if/else and switch branches are exclusive too; the literal's defers only
// release what it owns (wg.Done, the lock it took, its own timer).
func classify(ctx context.Context, v int, wg *sync.WaitGroup, mu *sync.Mutex) string {
	out := make(chan string, 1) // want "`out` is unbuffered"
	wg.Add(1)
	go func() {
		defer wg.Done()
		mu.Lock()
		defer mu.Unlock()
		t := time.NewTimer(time.Second)
		defer t.Stop()
		switch {
		case v < 0:
			out <- "negative"
		case v == 0:
			out <- "zero"
		default:
			if v > 100 {
				out <- "large"
			} else {
				out <- "small"
			}
		}
	}()
	select {
	case s := <-out:
		return s
	case <-ctx.Done():
		return ""
	}
}

// A select in a loop whose other case leaves the loop: still a forgotten sender.
func poll(ctx context.Context, tick <-chan time.Time, work func() error) error {
	errc := make(chan error, 1) // want "`errc` is unbuffered"
	go func() {
		errc <- work()
	}()
	for {
		select {
		case err := <-errc:
			return err
		case <-tick:
			// still waiting
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// A channel made per iteration, with its one goroutine in the same iteration.
func fetchAll(urls []string, fetch func(string) error, timeout time.Duration) []error {
	var errs []error
	for _, u := range urls {
		errc := make(chan error, 1) // want "`errc` is unbuffered"
		go func() {
			errc <- fetch(u)
		}()
		select {
		case err := <-errc:
			errs = append(errs, err)
		case <-time.After(timeout):
			errs = append(errs, errors.New("timeout: "+u))
		}
	}
	return errs
}
