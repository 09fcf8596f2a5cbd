package p

import "time"

// The string holds a U+2028 LINE SEPARATOR: str.splitlines counts it as a line break, the
// Go tools and tree-sitter do not, so lines counted the first way point one line too high.
const banner = "before after"

func wait(c <-chan int, done <-chan struct{}) {
	for {
		timer := time.NewTimer(time.Second)
		select {
		case <-timer.C: // want "time.After in a select inside a loop"
			println(banner)
		case <-time.After(time.Minute): //gofix:ignore
			timer.Stop()
			return
		case <-c:
			timer.Stop()
		}
	}
}
