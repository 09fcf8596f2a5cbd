package p

import stdtime "time"

func aliased(ch <-chan int, d stdtime.Duration) {
	for {
		select {
		case <-stdtime.After(d): // want "time.After"
			return
		case <-ch:
		}
	}
}
