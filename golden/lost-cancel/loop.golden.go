package p

import (
	"context"
	"time"
)

func work(ctx context.Context, n int) error { return ctx.Err() }

func eachItem(parent context.Context, items []int) {
	for _, it := range items {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "discarded"
		_ = work(ctx, it)
		cancel()
	}
}

func earlyExit(parent context.Context, items []int) error {
	for _, it := range items {
		ctx, _ := context.WithTimeout(parent, time.Second) // want "discarded"
		if err := work(ctx, it); err != nil {
			return err
		}
	}
	return nil
}

func innerBreakIsFine(parent context.Context, items []int) {
	for _, it := range items {
		ctx, cancel := context.WithTimeout(parent, time.Second) // want "discarded"
		for i := 0; i < it; i++ {
			if i > 3 {
				break
			}
		}
		_ = work(ctx, it)
		cancel()
	}
}

func outerVariable(ctx context.Context, items []int) {
	for _, it := range items {
		ctx, _ = context.WithTimeout(ctx, time.Second) // want "discarded"
		_ = work(ctx, it)
	}
}
