package p

import (
	"context"
	"fmt"
	"time"
)

// The timer is kept and stopped.
func kept(items []int) {
	for _, it := range items {
		t := time.AfterFunc(time.Second, func() { fmt.Println(it) })
		fmt.Println(it)
		t.Stop()
	}
}

// Kept in a slice for later.
func collected(items []int) []*time.Timer {
	var ts []*time.Timer
	for range items {
		ts = append(ts, time.AfterFunc(time.Second, func() {}))
	}
	return ts
}

// Not in a loop.
func single() {
	time.AfterFunc(time.Second, func() {})
}

// The loop is left right after.
func first(items []int) {
	for range items {
		time.AfterFunc(time.Second, func() {})
		return
	}
}

// In a function literal started from the loop: the literal has no loop of its own.
func perGoroutine(items []int) {
	for range items {
		go func() {
			time.AfterFunc(time.Second, func() {})
		}()
	}
}

// context.AfterFunc is another API (its stop function is another story).
func contextAfter(ctx context.Context, items []int) {
	for range items {
		context.AfterFunc(ctx, func() {})
	}
}

// A look-alike: a local value named time.
type clock struct{}

func (clock) AfterFunc(d time.Duration, f func()) {}

func lookAlike(items []int) {
	time := clock{}
	for range items {
		time.AfterFunc(1, func() {})
	}
}
