package p

import "time"

func retry(ch <-chan int, d time.Duration) int {
	tries := 0
again:
	for {
		select {
		case v := <-ch:
			return v
		case <-time.After(d): // want "goto"
			tries++
			if tries < 3 {
				goto again
			}
			return -1
		}
	}
}
