package p

import "time"

// An unstopped timer raced in a select with other cases: a warning.
func raced(in <-chan int, d time.Duration) int {
	t := time.NewTimer(d) // want "timer created by time.NewTimer is never stopped"
	defer t.Stop()
	select {
	case v := <-in:
		return v
	case <-t.C:
		return -1
	}
}

// Reset in a loop, never stopped.
func resets(in <-chan int, d time.Duration) {
	t := time.NewTimer(d) // want "time.NewTimer"
	defer t.Stop()
	for {
		select {
		case <-in:
			t.Reset(d)
		case <-t.C:
			return
		}
	}
}

// A timer per iteration with no early exit: Stop at the end of the loop body.
func perIteration(in <-chan int, d time.Duration) {
	for i := 0; i < 10; i++ {
		t := time.NewTimer(d) // want "time.NewTimer"
		select {
		case <-in:
		case <-t.C:
		}
		t.Stop()
	}
}

// Waited for in full: it fires and is released. No finding.
func waited(d time.Duration) {
	t := time.NewTimer(d)
	<-t.C
}

// Alone in its select: the same.
func alone(d time.Duration) {
	t := time.NewTimer(d)
	select {
	case <-t.C:
	}
}

// Already stopped.
func stopped(in <-chan int, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-in:
	case <-t.C:
	}
}
