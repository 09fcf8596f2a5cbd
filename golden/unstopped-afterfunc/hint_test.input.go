package p

import (
	"testing"
	"time"
)

// In a _test.go file the process is short-lived: a hint, no fix.
func TestWatchdogs(t *testing.T) {
	for i := 0; i < 3; i++ {
		time.AfterFunc(time.Minute, func() { panic("test hung") }) // want "discarded inside a loop.*no automatic fix"
	}
}
