package p

import (
	"context"
	"errors"
	"log"
	"time"
)

func use(ctx context.Context) {}

// vet's lostcancel ground: a named cancel that a path to a return leaves uncalled.
func early(parent context.Context, bad bool) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "`cancel` returned by context.WithTimeout is not called on every path: the return at line 16 leaves it uncalled"
	defer cancel()
	if bad {
		return errors.New("bad")
	}
	defer cancel()
	return ctx.Err()
}

func branch(parent context.Context, ok bool) {
	ctx, stop := context.WithCancel(parent) // want "`stop` .* falling off the end of the function at line 28"
	defer stop()
	if ok {
		stop()
	}
	use(ctx)
}

// In a loop body the cancel goes at the end of the body, unless the iteration can end early.
func perItem(parent context.Context, items []string) {
	for _, it := range items {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "not called on every path.*no automatic fix: an early exit from the loop body would skip a cancel at its end"
		if it == "" {
			continue
		}
		use(ctx)
		cancel()
	}
}

func perItemNoExit(parent context.Context, items []string) {
	for _, it := range items {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "not called on every path"
		if it != "" {
			use(ctx)
			cancel()
		}
		cancel()
	}
}

// The context is returned: a deferred cancel would kill it, so no fix, and the message says so.
func returned(parent context.Context, ok bool) (context.Context, error) {
	ctx, cancel := context.WithCancel(parent) // want "not called on every path.*no automatic fix: `ctx` is returned"
	if !ok {
		cancel()
		return nil, errors.New("no")
	}
	return ctx, nil
}

// No finding: every path calls or defers it, or ends the program.
func everyPath(parent context.Context, bad bool) error {
	ctx, cancel := context.WithCancel(parent)
	if bad {
		cancel()
		return errors.New("bad")
	}
	defer func() { log.Print("done") }()
	defer cancel()
	return ctx.Err()
}

func fatal(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	if ctx.Err() != nil {
		log.Fatal("cancelled already")
	}
	cancel()
}

// No finding: the cancel escapes, its new owner calls it.
func handedOver(parent context.Context, keep func(context.CancelFunc)) {
	ctx, cancel := context.WithCancel(parent)
	keep(cancel)
	use(ctx)
}

func inGoroutine(parent context.Context) {
	ctx, cancel := context.WithTimeout(parent, time.Second)
	go func() {
		defer cancel()
		use(ctx)
	}()
}

type clock struct{}

func (clock) WithTimeout(d time.Duration) (int, func()) { return 0, func() {} }

// No finding: `context` here is a local of another type.
func lookAlike(ok bool) int {
	context := clock{}
	n, cancel := context.WithTimeout(time.Second)
	if ok {
		return n
	}
	cancel()
	return n
}
