package p

import "time"

type poller struct{ c <-chan time.Time }

func consume(<-chan time.Time) {}

// Other shapes of time.Tick: a finding without a fix.
func shapes(done <-chan struct{}) *poller {
	for {
		select {
		case <-time.Tick(time.Second): // want "no automatic fix"
		case <-done:
			return nil
		}
	}
}

func argument() {
	consume(time.Tick(time.Second)) // want "no automatic fix"
}

func field() *poller {
	return &poller{c: time.Tick(time.Second)} // want "no automatic fix"
}

// The channel escapes: stopping the ticker on return would starve its reader.
func returned() <-chan time.Time {
	c := time.Tick(time.Second) // want "no automatic fix: `c` is returned"
	return c
}

func inGoroutine() {
	c := time.Tick(time.Second) // want "no automatic fix: `c` is used in a go statement"
	go func() {
		for range c {
			println("tick")
		}
	}()
}

// Package level: created once, lives as long as the program.
var everySecond = time.Tick(time.Second)
