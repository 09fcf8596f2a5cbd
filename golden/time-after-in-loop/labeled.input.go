package p

import "time"

func drain(ch <-chan int, d time.Duration) int {
	n := 0
	for {
	wait:
		select {
		case v := <-ch:
			if v < 0 {
				break wait
			}
			n += v
		case <-time.After(d): // want "time.After"
			return n
		}
	}
}

func outer(ch <-chan int, d time.Duration) int {
	n := 0
loop:
	for {
		select {
		case <-time.After(d): // want "time.After"
			break loop
		case v := <-ch:
			n += v
		}
	}
	return n
}
