// gofix-test: option=time-after-in-loop.style=context
package p

import "time"

// The context import is added and the time import, used nowhere else, removed.
func poll(in <-chan int) int {
	for {
		select {
		case v := <-in:
			if v > 0 {
				return v
			}
		case <-time.After(5e9): // want "time.After"
			return 0
		}
	}
}
