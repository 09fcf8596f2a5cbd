package p

import (
	"context"
	"time"
)

func work() {}

// No finding: the function never returns, so its ticker is never dropped (SA1015 agrees).
func tickForever() {
	for range time.Tick(time.Second) {
		work()
	}
}

func serve() {
	t := time.NewTicker(time.Second)
	for {
		<-t.C
		work()
	}
}

// No finding: a goroutine that runs for the life of the program.
func background() {
	go func() {
		for range time.Tick(time.Minute) {
			work()
		}
	}()
}

// No finding: once the ticker exists, nothing returns (a deferred Stop could never run).
func afterCheck(skip bool) {
	if skip {
		return
	}
	t := time.NewTicker(time.Second)
	for {
		select {
		case <-t.C:
			work()
		}
	}
}

// A finding: this one returns.
func until(ctx context.Context) {
	t := time.NewTicker(time.Second) // want "never stopped"
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			work()
		}
	}
}

// A finding without a fix, which says why: the Tick sits in the loop's header.
func header(ctx context.Context) {
	for c := time.Tick(time.Second); ; { // want "no automatic fix: the channel is declared in a for-loop header"
		select {
		case <-ctx.Done():
			return
		case <-c:
			work()
		}
	}
}
