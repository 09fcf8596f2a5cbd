package p

import (
	stdtime "time"
)

type clock struct{}

func (clock) Tick(d stdtime.Duration) <-chan stdtime.Time  { return nil }
func (clock) NewTicker(d stdtime.Duration) *stdtime.Ticker { return nil }

type svc struct{ time clock }

// The standard library under another name: still found.
func aliased() {
	for range stdtime.Tick(stdtime.Second) { // want "time.Tick"
		return
	}
}

func aliasedTicker(done <-chan struct{}) {
	t := stdtime.NewTicker(stdtime.Second) // want "never stopped"
	select {
	case <-t.C:
	case <-done:
	}
}

// Look-alikes: a field and a local variable named time.
func field(s svc) {
	for range s.time.Tick(stdtime.Second) {
		return
	}
}

func local() {
	time := clock{}
	for range time.Tick(stdtime.Second) {
		return
	}
	t := time.NewTicker(stdtime.Second)
	_ = t
}
