package p

import (
	"context"
	"time"
)

// A select evaluates every channel operand and send value once, in source order, when it is
// entered (checked with a Go program that prints the order). The fix starts the timer, and
// evaluates its duration, before all of them, so it is only offered when that reordering
// cannot be observed.

func backoff(i int) time.Duration { return time.Duration(i) * time.Millisecond }

func next() <-chan int { return nil }

func compute() int { return 1 }

// First clause: nothing is evaluated before it, any duration is fine.
func first(ch <-chan int) {
	for i := 0; ; i++ {
		timer := time.NewTimer(backoff(i))
		select {
		case <-timer.C: // want "time.After"
			return
		case <-ch:
			timer.Stop()
		}
	}
}

// Earlier operands without calls: a context's Done, an index with len, a conversion.
func quiet(ctx context.Context, chans []chan int, out chan<- int64, n int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case v := <-chans[len(chans)-1]:
			timer.Stop()
			println(v)
		case out <- int64(n):
			timer.Stop()
		case <-timer.C: // want "time.After"
			return
		}
	}
}

// An earlier operand calls a function: it would run after the timer started.
func earlierCall(d time.Duration) {
	for {
		select {
		case v := <-next():
			println(v)
		case <-time.After(d): // want "no automatic fix: an earlier case"
			return
		}
	}
}

// The duration calls a function that runs after the earlier operands today.
func durationCall(ch <-chan int) {
	for i := 0; ; i++ {
		select {
		case <-ch:
		case <-time.After(backoff(i)): // want "no automatic fix"
			return
		}
	}
}

// An earlier operand receives: waiting on it first is part of the program's behaviour.
func earlierReceive(chch <-chan chan int, d time.Duration) {
	for {
		select {
		case <-<-chch:
		case <-time.After(d): // want "no automatic fix"
			return
		}
	}
}

// An earlier send value calls a function.
func earlierSend(out chan<- int, d time.Duration) {
	for {
		select {
		case out <- compute():
		case <-time.After(d): // want "no automatic fix"
			return
		}
	}
}

// A hoisted timer keeps its place among the other hoisted timers, so the second duration
// may call a function when only timers come before it.
func twoFirst(ch <-chan int) {
	for i := 0; ; i++ {
		timer := time.NewTimer(time.Second)
		timer2 := time.NewTimer(backoff(i))
		select {
		case <-timer.C: // want "time.After"
			timer2.Stop()
			return
		case <-timer2.C: // want "time.After"
			timer.Stop()
			return
		case <-ch:
			timer.Stop()
			timer2.Stop()
		}
	}
}

// The first time.After is fine, the second comes after a call: only the first gets a timer.
func mixed(ch <-chan int) {
	for i := 0; ; i++ {
		timer := time.NewTimer(time.Second)
		select {
		case <-timer.C: // want "time.After"
			return
		case v := <-next():
			timer.Stop()
			println(v)
		case <-time.After(backoff(i)): // want "no automatic fix"
			timer.Stop()
			return
		case <-ch:
			timer.Stop()
		}
	}
}
