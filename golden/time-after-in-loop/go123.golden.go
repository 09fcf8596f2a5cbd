// gofix-test: go=1.23
package p

import "time"

// On a go 1.23 module this is only a hint; the golden runner selects the rule explicitly, so
// the fix still applies here.
func hint(ch <-chan int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-ch:
			timer.Stop()
		case <-timer.C: // want "Not a leak on this module's Go version"
			return
		}
	}
}
