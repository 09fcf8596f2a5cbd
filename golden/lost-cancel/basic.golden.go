package p

import (
	"context"
	"time"
)

func call(ctx context.Context) error { return ctx.Err() }

func short(parent context.Context) error {
	ctx, cancel := context.WithTimeout(parent, time.Second) // want "cancel function returned by context.WithTimeout is discarded"
	defer cancel()
	return call(ctx)
}

func param(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second) // want "discarded"
	defer cancel()
	return call(ctx)
}

func nested(ctx context.Context, slow bool) error {
	if slow {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, time.Now().Add(time.Minute)) // want "discarded"
		defer cancel()
		return call(ctx)
	}
	return call(ctx)
}

func cause(parent context.Context) error {
	ctx, cancel := context.WithCancelCause(parent) // want "discarded"
	defer cancel(nil)
	return call(ctx)
}

func background() error {
	ctx, cancel := context.WithCancel(context.Background()) // want "discarded"
	defer cancel()
	return call(ctx)
}

func taken(parent context.Context) error {
	cancel := 1
	_ = cancel
	ctx, cancel2 := context.WithCancel(parent) // want "discarded"
	defer cancel2()
	return call(ctx)
}

func withVar(parent context.Context) error {
	var ctx, cancel = context.WithTimeout(parent, time.Second) // want "discarded"
	defer cancel()
	return call(ctx)
}
