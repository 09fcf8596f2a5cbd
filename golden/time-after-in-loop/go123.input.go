// gofix-test: go=1.23
package p

import "time"

// On a go 1.23 module this is only a hint; the golden runner selects the rule explicitly, so
// the fix still applies here.
func hint(ch <-chan int, d time.Duration) {
	for {
		select {
		case <-ch:
		case <-time.After(d): // want "Not a leak on this module's Go version"
			return
		}
	}
}
