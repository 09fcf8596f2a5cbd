// gofix-test: nocompile
package p

import "example.com/fake/time"

// A package named time from another import path is not the standard library's.
func notStd() {
	for range time.Tick(1) {
		return
	}
	t := time.NewTicker(1)
	<-t.C
}
