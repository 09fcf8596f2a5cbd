package p

import "time"

var timer = 3

func names(ch <-chan int, d time.Duration) {
	timer2 := timer
	for {
		timer3 := time.NewTimer(d)
		select {
		case v := <-ch:
			timer3.Stop()
			println(v, timer2)
		case <-timer3.C: // want "time.After"
			return
		}
	}
}

// Two selects in one function: the second fix runs on the first one's output.
func two(a, b <-chan int, d time.Duration) {
	for {
		timer2 := time.NewTimer(d)
		select {
		case <-a:
			timer2.Stop()
		case <-timer2.C: // want "time.After"
			return
		}
		timer3 := time.NewTimer(d)
		select {
		case <-b:
			timer3.Stop()
		case <-timer3.C: // want "time.After"
			return
		}
	}
}
