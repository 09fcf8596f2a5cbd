package peers

import (
	"context"
	"time"
)

// time.Tick in a function that returns.
func tickInReturningFunc(ctx context.Context, work func()) {
	for range time.Tick(time.Second) {
		if ctx.Err() != nil {
			return
		}
		work()
	}
}

// time.Tick assigned, then received in a loop with a way out.
func tickAssigned(n int) {
	c := time.Tick(10 * time.Millisecond)
	for i := 0; i < n; i++ {
		<-c
	}
}

// time.Tick called anew in every iteration of a loop.
func tickInLoop(ctx context.Context) {
	for {
		select {
		case <-time.Tick(time.Second):
		case <-ctx.Done():
			return
		}
	}
}

// time.Tick in a function that never returns: exempt.
func tickForever(work func()) {
	for range time.Tick(time.Second) {
		work()
	}
}

// time.Tick in a goroutine that never returns.
func tickInEndlessGoroutine(work func()) {
	go func() {
		for range time.Tick(time.Second) {
			work()
		}
	}()
}

// time.Tick in init.
func init() {
	_ = time.Tick(time.Hour)
}

// A ticker never stopped.
func tickerNeverStopped(ctx context.Context, work func()) {
	t := time.NewTicker(time.Second)
	for {
		select {
		case <-t.C:
			work()
		case <-ctx.Done():
			return
		}
	}
}

// A ticker stopped: no leak.
func tickerStopped(ctx context.Context, work func()) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			work()
		case <-ctx.Done():
			return
		}
	}
}

// A ticker in a function that never returns: exempt.
func tickerForever(work func()) {
	t := time.NewTicker(time.Second)
	for range t.C {
		work()
	}
}

// The ticker dropped, only its channel kept.
func tickerDropped(ctx context.Context) {
	c := time.NewTicker(time.Second).C
	select {
	case <-c:
	case <-ctx.Done():
	}
}

// time.After as a select case in a loop: one timer per iteration.
func afterInLoop(ctx context.Context, in <-chan int) int {
	sum := 0
	for {
		select {
		case v := <-in:
			sum += v
		case <-time.After(time.Minute):
			return sum
		case <-ctx.Done():
			return sum
		}
	}
}
