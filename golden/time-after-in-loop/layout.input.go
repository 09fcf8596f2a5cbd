package p

import "time"

func commented(in <-chan int, quit <-chan struct{}, d time.Duration) {
	for {
		// wait for the next value
		select {
		case v := <-in: // a value
			// use it
			println(v)
		case <-quit:
			// clean up, then leave
			return
		case <-time.After(d): // want "time.After"
			// nothing arrived in time
		}
	}
}

// Cases without statements, and a comment alone in a case.
func empty(in <-chan int, d time.Duration) {
	for {
		select {
		case <-in:
		case <-time.After(d): // want "time.After"
		default:
			// spin
		}
	}
}

func parens(in <-chan int, d time.Duration) {
	for {
		select {
		case <-(time.After(d)): // want "time.After"
			return
		case <-in:
		}
	}
}
