package peers

import (
	"testing"
	"time"
)

// time.Tick in a test: exempt for staticcheck.
func TestTick(t *testing.T) {
	c := time.Tick(time.Millisecond)
	<-c
}
