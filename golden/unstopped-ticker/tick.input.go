package p

import "time"

const (
	period = 2 * time.Second
	never  = 0
)

func check() bool { return true }

// A constant duration greater than zero: safe.
func poll() {
	for range time.Tick(time.Second) { // want "time.Tick"
		if check() {
			return
		}
	}
}

func pollNamed() {
	for now := range time.Tick(period) { // want "time.Tick"
		if now.IsZero() || check() {
			return
		}
	}
}

func pollProduct() {
	const local = 3 * time.Millisecond
	c := time.Tick(local * 2) // want "time.Tick"
	for range c {
		if check() {
			return
		}
	}
}

// A duration known only at run time: time.Tick returns nil for d <= 0 (the loop blocks),
// NewTicker panics. Unsafe fix.
func pollVar(d time.Duration) {
	c := time.Tick(d) // want "time.Tick"
	<-c
}

// Zero is constant: time.Tick returns nil, NewTicker would panic. No fix.
func pollZero() {
	for range time.Tick(never) { // want "constant <= 0"
		return
	}
}
