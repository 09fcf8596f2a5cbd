package p

import "time"

func check() bool { return true }

// time.NewTicker(d).C drops the ticker: same rewrite as time.Tick, safe for any d
// (NewTicker panics on d <= 0 either way).
func dropped(d time.Duration) {
	for range time.NewTicker(d).C { // want "drops the ticker"
		if check() {
			return
		}
	}
}

func droppedVar() {
	c := time.NewTicker(time.Second).C // want "drops the ticker"
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
