package p

import "time"

func check() bool { return true }

// time.NewTicker(d).C drops the ticker: same rewrite as time.Tick, safe for any d
// (NewTicker panics on d <= 0 either way).
func dropped(d time.Duration) {
	ticker := time.NewTicker(d)
	defer ticker.Stop()
	for range ticker.C { // want "drops the ticker"
		if check() {
			return
		}
	}
}

func droppedVar() {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	c := ticker.C // want "drops the ticker"
	for range c {
		if check() {
			return
		}
	}
}

// Discarded outright: nothing could ever stop it.
func discarded() {
	time.NewTicker(time.Second) // want "discarded"
}
