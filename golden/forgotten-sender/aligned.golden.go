package p

import (
	"context"
	"time"
)

// The fix lengthens a line inside a block of aligned trailing comments: gofmt
// realigns the whole block, and so must the fix.
func aligned(ctx context.Context, work func() error) error {
	errc := make(chan error, 1) // want "`errc` is unbuffered"
	done := ctx.Done()          // closed on cancel
	limit := time.Second        // an upper bound
	go func() { errc <- work() }()
	select {
	case err := <-errc:
		return err
	case <-done:
		return ctx.Err()
	case <-time.After(limit):
		return nil
	}
}

// The edited line's comment sets the block's column: after the fix every comment of
// the block moves right; the line after the blank line is another block.
func widest(ctx context.Context, work func() (int, error)) (int, error) {
	type result struct {
		n   int
		err error
	}
	results := make(chan result, 1) // want "`results` is unbuffered"
	d := ctx.Done()                 // cancelled

	e := 1 // another block
	go func() {
		n, err := work()
		results <- result{n, err}
	}()
	select {
	case r := <-results:
		return r.n + e, r.err
	case <-d:
		return 0, ctx.Err()
	}
}
