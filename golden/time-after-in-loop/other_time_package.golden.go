// gofix-test: nocompile
package p

import "example.com/fake/time"

// A package named time from another import path is not the standard library's.
func notStd(ch <-chan int) {
	for {
		select {
		case <-time.After(1):
			return
		case <-ch:
		}
	}
}
