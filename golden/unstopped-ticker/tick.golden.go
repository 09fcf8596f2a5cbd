package p

import "time"

const (
	period = 2 * time.Second
	never  = 0
)

func check() bool { return true }

// A constant duration greater than zero: safe.
func poll() {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for range ticker.C { // want "time.Tick"
		if check() {
			return
		}
	}
}

func pollNamed() {
	ticker := time.NewTicker(period)
	defer ticker.Stop()
	for now := range ticker.C { // want "time.Tick"
		if now.IsZero() || check() {
			return
		}
	}
}

func pollProduct() {
	const local = 3 * time.Millisecond
	ticker := time.NewTicker(local * 2)
	defer ticker.Stop()
	c := ticker.C // want "time.Tick"
	for range c {
		if check() {
			return
		}
	}
}

// A duration known only at run time: time.Tick returns nil for d <= 0 (the loop blocks),
// NewTicker panics. Unsafe fix.
func pollVar(d time.Duration) {
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	c := ticker.C // want "time.Tick"
	<-c
}

// Zero is constant: time.Tick returns nil, NewTicker would panic. No fix.
func pollZero() {
	for range time.Tick(never) { // want "constant <= 0"
		return
	}
}
