package p

import "time"

func drain(ch <-chan int, d time.Duration) int {
	n := 0
	for {
		timer := time.NewTimer(d)
	wait:
		select {
		case v := <-ch:
			timer.Stop()
			if v < 0 {
				break wait
			}
			n += v
		case <-timer.C: // want "time.After"
			return n
		}
	}
}

func outer(ch <-chan int, d time.Duration) int {
	n := 0
loop:
	for {
		timer := time.NewTimer(d)
		select {
		case <-timer.C: // want "time.After"
			break loop
		case v := <-ch:
			timer.Stop()
			n += v
		}
	}
	return n
}
