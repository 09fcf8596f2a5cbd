package peers

import (
	"context"
	"errors"
	"log"
	"time"

	xcontext "golang.org/x/net/context"
)

// A discarded cancel func: the timer stays registered with the parent.
func discardedCancel(ctx context.Context) error {
	ctx, _ = context.WithTimeout(ctx, time.Second)
	return ctx.Err()
}

// A named cancel skipped by the early return.
func namedOnePath(ctx context.Context, fail bool) error {
	ctx, cancel := context.WithCancel(ctx)
	if fail {
		return errors.New("early")
	}
	cancel()
	return ctx.Err()
}

// A named cancel deferred: no leak.
func namedDeferred(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	return ctx.Err()
}

// golang.org/x/net/context, cancel discarded.
func xnetDiscarded(ctx xcontext.Context) error {
	ctx, _ = xcontext.WithDeadline(ctx, time.Now().Add(time.Second))
	return ctx.Err()
}

// golang.org/x/net/context, a named cancel skipped by one path.
func xnetOnePath(ctx xcontext.Context, n int) int {
	ctx, cancel := xcontext.WithTimeout(ctx, time.Second)
	if n > 0 {
		return n
	}
	cancel()
	return 0
}

// The cancel func is returned: the caller owns it.
func cancelReturned(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	return ctx, cancel
}

type worker struct {
	ctx  context.Context
	stop context.CancelFunc
}

// The cancel func is stored in the struct that is returned.
func newWorker(parent context.Context) *worker {
	ctx, cancel := context.WithCancel(parent)
	return &worker{ctx: ctx, stop: cancel}
}

// WithCancelCause with the cancel discarded.
func causeDiscarded(ctx context.Context) error {
	ctx, _ = context.WithCancelCause(ctx)
	return ctx.Err()
}

// A cancel called on every path, the last one by log.Fatal's exit.
func fatalPath(ctx context.Context, bad bool) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	if bad {
		log.Fatal("bad")
	}
	cancel()
	_ = ctx
}

// In a loop, the continue skips the cancel.
func loopContinue(ctx context.Context, jobs []int) int {
	done := 0
	for _, j := range jobs {
		jctx, cancel := context.WithTimeout(ctx, time.Duration(j)*time.Millisecond)
		if j < 0 {
			continue
		}
		<-jctx.Done()
		cancel()
		done++
	}
	return done
}

// Cancel called in every switch case but one.
func switchPaths(ctx context.Context, mode int) error {
	ctx, cancel := context.WithCancel(ctx)
	switch mode {
	case 0:
		cancel()
		return nil
	case 1:
		return ctx.Err()
	default:
		cancel()
	}
	return nil
}

// The cancel is handed to a goroutine that calls it.
func cancelInGoroutine(ctx context.Context) context.Context {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	go func() {
		time.Sleep(time.Millisecond)
		cancel()
	}()
	return ctx
}

// The whole result discarded: the context is never used.
func wholeDiscarded(ctx context.Context) {
	context.WithTimeout(ctx, time.Second)
}

type session struct{}

func (session) WithCancel() (int, func()) { return 0, func() {} }

// A variable named context of another type.
func notTheContextPackage(context session) int {
	n, _ := context.WithCancel()
	return n
}

// A named cancel that leaks only when the loop falls through to the end.
func fallOff(ctx context.Context, items []string) {
	ctx, cancel := context.WithCancel(ctx)
	for _, it := range items {
		if it == "" {
			cancel()
			return
		}
	}
	_ = ctx
}

// A no-op cancel replaced by a real one on one branch, deferred on every path.
func optionalTimeout(ctx context.Context, d time.Duration) error {
	cancel := func() {}
	if d > 0 {
		ctx, cancel = context.WithTimeout(ctx, d)
	}
	defer cancel()
	return ctx.Err()
}

// The cancel deferred only after a return that can leave first.
func deferredTooLate(ctx context.Context, check func() error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	if err := check(); err != nil {
		return err
	}
	defer cancel()
	return ctx.Err()
}
