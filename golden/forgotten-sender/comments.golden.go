package p

import (
	"context"
	"time"
)

// Comments and odd layout around the pieces of the pattern.
func commented(ctx context.Context, work func() (string, error)) (string, error) {
	type reply struct {
		s   string
		err error
	}
	// replies from the worker
	var replies = make(chan reply, 1) /* one reply */ // want "`replies` is unbuffered"
	go func() {
		// do the work
		s, err := work()
		replies <- reply{s, err} // the last thing it does
		// nothing after this
	}()
	select {
	// the worker answered
	case r := <-replies:
		return r.s, r.err
	// the caller gave up
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// A send in a bare block followed by a bare return is still in tail position, and
// the receive may be a comma-ok receive.
func labeled(ctx context.Context, ok bool) (int, bool) {
	ch := make(chan int, 1) // want "`ch` is unbuffered"
	go func() {
		if !ok {
			{
				ch <- -1 // failed
			}
			return
		}
		ch <- 1
	}()
	select {
	case v, more := <-ch:
		return v, more
	case <-time.After(time.Second):
		return 0, false
	}
}

// A make call spread over lines with a trailing comma: reported, but the layout is
// left to a human.
func spread(ctx context.Context, work func() error) error {
	errc := make( // want "`errc` is unbuffered"
		chan error,
	)
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}
