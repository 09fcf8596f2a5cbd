package p

import (
	"strings"
	"sync"
)

func pending() int { return 2 }

// The count comes from a call: moving it changes when that call runs.
func counted(work func()) {
	var wg sync.WaitGroup
	go func() {
		wg.Add(pending()) // want "wg.Add runs inside"
		defer wg.Done()
		work()
		wg.Done()
	}()
	wg.Wait()
}

// The go statement's arguments call a function after the moved Add: if it panicked,
// the counter would stay raised for a goroutine that never starts.
func shout(names []string, greet func(string)) {
	var wg sync.WaitGroup
	for _, n := range names {
		go func(s string) {
			wg.Add(1) // want "wg.Add runs inside"
			defer wg.Done()
			greet(s)
		}(strings.ToUpper(n))
	}
	wg.Wait()
}

// The count uses the literal's parameter: it cannot move out of the literal. No fix.
func chunks(parts [][]byte, write func([]byte)) {
	var wg sync.WaitGroup
	for _, p := range parts {
		go func(n int, b []byte) {
			wg.Add(n) // want "wg.Add runs inside.*literal's parameter `n`: no automatic fix"
			for range n {
				defer wg.Done()
			}
			write(b)
		}(1, p)
	}
	wg.Wait()
}

// The WaitGroup is the literal's parameter: moving `wg.Add(1)` would name the outer
// variable by accident. No fix.
func param(work func()) {
	var wg sync.WaitGroup
	go func(wg *sync.WaitGroup) {
		wg.Add(1) // want "literal's parameter `wg`: no automatic fix"
		defer wg.Done()
		work()
	}(&wg)
	wg.Wait()
}
