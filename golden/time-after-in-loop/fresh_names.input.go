package p

import "time"

var timer = 3

func names(ch <-chan int, d time.Duration) {
	timer2 := timer
	for {
		select {
		case v := <-ch:
			println(v, timer2)
		case <-time.After(d): // want "time.After"
			return
		}
	}
}

// Two selects in one function: the second fix runs on the first one's output.
func two(a, b <-chan int, d time.Duration) {
	for {
		select {
		case <-a:
		case <-time.After(d): // want "time.After"
			return
		}
		select {
		case <-b:
		case <-time.After(d): // want "time.After"
			return
		}
	}
}
