package p

import "time"

func work(int) bool { return true }

// Created in the loop body, no early exit after it: Stop at the end of the body.
func perItem(items []int) {
	for _, it := range items {
		t := time.NewTicker(time.Millisecond) // want "never stopped"
		for i := 0; i < 3; i++ {
			<-t.C
			if work(it) {
				break
			}
		}
	}
}

// An early exit would skip the Stop: no fix.
func earlyExit(items []int) {
	for _, it := range items {
		t := time.NewTicker(time.Millisecond) // want "no automatic fix: it is created in a loop"
		<-t.C
		if work(it) {
			continue
		}
		<-t.C
	}
}

// Declared outside the loop, assigned inside: the next iteration overwrites it.
func outside(items []int) {
	var t *time.Ticker
	for range items {
		t = time.NewTicker(time.Millisecond) // want "no automatic fix"
		<-t.C
	}
}

// time.Tick in a loop body.
func tickPerItem(items []int) {
	for _, it := range items {
		for range time.Tick(time.Millisecond) { // want "time.Tick"
			if work(it) {
				break
			}
		}
	}
}
