// gofix-test: option=time-after-in-loop.style=context
package p

import (
	"context"
	"errors"
	"time"
)

// style = "context": the parent is the function's context.Context parameter.
func recvAll(ctx context.Context, in <-chan int, d time.Duration) error {
	for {
		tctx, cancel := context.WithTimeout(ctx, d)
		select {
		case v := <-in:
			cancel()
			println(v)
		case <-tctx.Done(): // want "time.After"
			cancel()
			return errors.New("idle")
		}
	}
}

// A labeled break that leaves the loop also ends it.
func leaveByLabel(ctx context.Context, in <-chan int, d time.Duration) {
outer:
	for {
		tctx, cancel := context.WithTimeout(ctx, d)
		select {
		case <-tctx.Done(): // want "time.After"
			cancel()
			break outer
		case <-in:
			cancel()
		}
	}
}

// The parameter is re-declared before the select: context.Background() it is.
func redeclared(ctx context.Context, in <-chan int, d time.Duration) error {
	for {
		ctx := context.WithValue(ctx, key{}, 1)
		_ = ctx
		tctx, cancel := context.WithTimeout(context.Background(), d)
		select {
		case <-in:
			cancel()
		case <-tctx.Done(): // want "time.After"
			cancel()
			return errors.New("idle")
		}
	}
}

type key struct{}

// No context parameter: context.Background().
func noParent(in <-chan int, d time.Duration) error {
	for {
		tctx, cancel := context.WithTimeout(context.Background(), d)
		select {
		case <-in:
			cancel()
		case <-tctx.Done(): // want "time.After"
			cancel()
			return errors.New("idle")
		}
	}
}

// The case receives the time: Done() yields struct{}, so the timer rewrite is used instead.
func receivesValue(ctx context.Context, in <-chan int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-in:
			timer.Stop()
		case t := <-timer.C: // want "time.After"
			println(t.String())
			return
		}
	}
}

// The timeout case continues the loop: with a cancelled parent it would spin. Timer rewrite.
func continues(ctx context.Context, in <-chan int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-in:
			timer.Stop()
		case <-timer.C: // want "time.After"
			println("idle")
		}
	}
}
