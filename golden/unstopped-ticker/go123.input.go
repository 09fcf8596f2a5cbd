// gofix-test: go=1.23
package p

import "time"

// On a go 1.23 module these are hints; the golden runner selects the rule explicitly, so
// the fixes still apply.
func hint(done <-chan struct{}) {
	t := time.NewTicker(time.Second) // want "Not a leak on this module's Go version"
	select {
	case <-t.C:
	case <-done:
	}
}

func hintTick() {
	for range time.Tick(time.Second) { // want "Not a leak"
		return
	}
}
