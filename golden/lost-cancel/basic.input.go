package p

import (
	"context"
	"time"
)

func call(ctx context.Context) error { return ctx.Err() }

func short(parent context.Context) error {
	ctx, _ := context.WithTimeout(parent, time.Second) // want "cancel function returned by context.WithTimeout is discarded"
	return call(ctx)
}

func param(ctx context.Context) error {
	ctx, _ = context.WithTimeout(ctx, time.Second) // want "discarded"
	return call(ctx)
}

func nested(ctx context.Context, slow bool) error {
	if slow {
		ctx, _ = context.WithDeadline(ctx, time.Now().Add(time.Minute)) // want "discarded"
		return call(ctx)
	}
	return call(ctx)
}

func cause(parent context.Context) error {
	ctx, _ := context.WithCancelCause(parent) // want "discarded"
	return call(ctx)
}

func background() error {
	ctx, _ := context.WithCancel(context.Background()) // want "discarded"
	return call(ctx)
}

func taken(parent context.Context) error {
	cancel := 1
	_ = cancel
	ctx, _ := context.WithCancel(parent) // want "discarded"
	return call(ctx)
}

func withVar(parent context.Context) error {
	var ctx, _ = context.WithTimeout(parent, time.Second) // want "discarded"
	return call(ctx)
}
