package p

import "time"

func commented(in <-chan int, quit <-chan struct{}, d time.Duration) {
	for {
		// wait for the next value
		timer := time.NewTimer(d)
		select {
		case v := <-in: // a value
			timer.Stop()
			// use it
			println(v)
		case <-quit:
			timer.Stop()
			// clean up, then leave
			return
		case <-timer.C: // want "time.After"
			// nothing arrived in time
		}
	}
}

// Cases without statements, and a comment alone in a case.
func empty(in <-chan int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-in:
			timer.Stop()
		case <-timer.C: // want "time.After"
		default:
			timer.Stop()
			// spin
		}
	}
}

func parens(in <-chan int, d time.Duration) {
	for {
		timer := time.NewTimer(d)
		select {
		case <-(timer.C): // want "time.After"
			return
		case <-in:
			timer.Stop()
		}
	}
}
