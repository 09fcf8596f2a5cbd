package p

import (
	"context"
	"time"
)

// The ticker case leaves the loop through a labelled break inside the case.
func labelled(tick <-chan time.Time, work func() error) error {
	errc := make(chan error) // want "`errc` is unbuffered"
	go func() { errc <- work() }()
wait:
	for {
		select {
		case err := <-errc:
			return err
		case <-tick:
			break wait
		}
	}
	return nil
}

// The case only records the event; the loop is left after the select.
func flagged(ctx context.Context, work func() error) error {
	errc := make(chan error) // want "`errc` is unbuffered"
	go func() { errc <- work() }()
	for {
		stop := false
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
			stop = true
		}
		if stop {
			return ctx.Err()
		}
	}
}

// A labelled break after the select leaves the loop too.
func afterBreak(ctx context.Context, work func() error) (err error) {
	errc := make(chan error) // want "`errc` is unbuffered"
	go func() { errc <- work() }()
outer:
	for {
		select {
		case err = <-errc:
			return err
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break outer
		}
	}
	return ctx.Err()
}

// A goto forward, past the go statement, leaves the loop and cannot start the
// goroutine again.
func forward(ctx context.Context, work func() error) error {
	errc := make(chan error) // want "`errc` is unbuffered"
	go func() { errc <- work() }()
	for {
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		goto done
	}
done:
	return ctx.Err()
}

// Still a negative: after the select only a continue follows, the loop is never left
// but by receiving.
func patient(ctx context.Context, work func() error) error {
	errc := make(chan error)
	go func() { errc <- work() }()
	for {
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		time.Sleep(time.Millisecond)
	}
}

// A goto backwards could start the goroutine again: no finding.
func backwards(ctx context.Context, work func() error) error {
again:
	errc := make(chan error)
	go func() { errc <- work() }()
	for {
		select {
		case err := <-errc:
			return err
		case <-ctx.Done():
		}
		goto again
	}
}
