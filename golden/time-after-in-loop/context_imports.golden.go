// gofix-test: option=time-after-in-loop.style=context
package p

import "context"

// The context import is added and the time import, used nowhere else, removed.
func poll(in <-chan int) int {
	for {
		tctx, cancel := context.WithTimeout(context.Background(), 5e9)
		select {
		case v := <-in:
			cancel()
			if v > 0 {
				return v
			}
		case <-tctx.Done(): // want "time.After"
			cancel()
			return 0
		}
	}
}
