package p

import stdtime "time"

func aliased(ch <-chan int, d stdtime.Duration) {
	for {
		timer := stdtime.NewTimer(d)
		select {
		case <-timer.C: // want "time.After"
			return
		case <-ch:
			timer.Stop()
		}
	}
}
